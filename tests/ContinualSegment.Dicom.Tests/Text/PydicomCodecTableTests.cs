using ContinualSegment.Dicom.Text;

namespace ContinualSegment.Dicom.Tests.Text;

/// <summary>
/// Compares every code of each supported character set with the Python codec pydicom uses for that set.
/// </summary>
[Collection(PydicomPeerCollection.Name)]
public sealed class PydicomCodecTableTests(PydicomCharsetPeer peer)
{
    public static TheoryData<string> SingleByteTerms =>
    [
        "ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110", "ISO_IR 144", "ISO_IR 127", "ISO_IR 126",
        "ISO_IR 138", "ISO_IR 148", "ISO_IR 166", "ISO_IR 13",
    ];

    public static TheoryData<string> DoubleByteTerms => ["ISO 2022 IR 87", "ISO 2022 IR 159", "ISO 2022 IR 149", "ISO 2022 IR 58"];

    [Theory]
    [MemberData(nameof(SingleByteTerms))]
    public void Single_byte_set_decodes_and_encodes_like_pydicom(string term)
    {
        var table = peer.Report.GetProperty("single").GetProperty(term);
        string[] charset = [term];
        int checkedCodes = 0;
        for (int b = 0xA0; b <= 0xFF; b++)
        {
            byte[] bytes = [(byte)b];
            if (table.TryGetProperty(b.ToString(System.Globalization.CultureInfo.InvariantCulture), out var want))
            {
                string expected = want.GetString()!;
                Assert.Equal(expected, DicomCharacterSet.Decode(bytes, charset, "LO", DicomTextErrorMode.Throw));
                Assert.Equal(bytes, DicomCharacterSet.Encode(expected, charset, "LO", DicomTextErrorMode.Throw));

                checkedCodes++;
            }
            else
            {
                Assert.Throws<DicomException>(() => DicomCharacterSet.Decode(bytes, charset, "LO", DicomTextErrorMode.Throw));
            }
        }

        Assert.True(checkedCodes > 40, $"pydicom decoded only {checkedCodes} codes of {term}");
    }

    [Theory]
    [MemberData(nameof(DoubleByteTerms))]
    public void Double_byte_set_decodes_and_encodes_like_pydicom(string term)
    {
        var table = peer.Report.GetProperty("double").GetProperty(term);
        string[] charset = ["", term];
        bool isG1 = term is "ISO 2022 IR 149" or "ISO 2022 IR 58";
        byte[] escape = term switch
        {
            "ISO 2022 IR 87" => [0x1B, 0x24, 0x42],
            "ISO 2022 IR 159" => [0x1B, 0x24, 0x28, 0x44],
            "ISO 2022 IR 149" => [0x1B, 0x24, 0x29, 0x43],
            _ => [0x1B, 0x24, 0x29, 0x41],
        };
        byte[] back = isG1 ? [] : [0x1B, 0x28, 0x42];
        var mismatches = new List<string>();
        int count = 0;
        foreach (var code in table.EnumerateObject())
        {
            byte first = Convert.ToByte(code.Name[..2], 16);
            byte second = Convert.ToByte(code.Name[2..], 16);
            if (isG1)
            {
                first |= 0x80;
                second |= 0x80;
            }

            byte[] bytes = [.. escape, first, second, .. back];
            string expected = code.Value.GetString()!;
            string decoded = DicomCharacterSet.Decode(bytes, charset, "LO");
            byte[] encoded = DicomCharacterSet.Encode(expected, charset, "LO");

            // A character that ASCII holds (JIS X 0212 has a tilde) is always encoded from ASCII.
            bool encodesAsAscii = expected[0] < 0x80 && encoded.AsSpan().SequenceEqual([(byte)expected[0]]);
            if (decoded != expected || !(encodesAsAscii || encoded.AsSpan().SequenceEqual(bytes)))
            {
                mismatches.Add($"{code.Name}: pydicom U+{(int)expected[0]:X4}, decoded {string.Join(",", decoded.Select(c => ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)))}, encoded {Convert.ToHexString(encoded)}");
            }

            count++;
        }

        Assert.True(count > 5000, $"pydicom decoded only {count} codes of {term}");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {count} codes differ: {string.Join("; ", mismatches.Take(20))}");
    }
}
