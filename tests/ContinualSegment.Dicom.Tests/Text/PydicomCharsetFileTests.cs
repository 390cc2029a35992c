using System.Text.Json;
using ContinualSegment.Dicom.Text;

namespace ContinualSegment.Dicom.Tests.Text;

/// <summary>
/// Decodes and encodes every text element of pydicom's character set sample files and compares the results with
/// what pydicom itself makes of them.
/// </summary>
[Collection(PydicomPeerCollection.Name)]
public sealed class PydicomCharsetFileTests(PydicomCharsetPeer peer)
{
    public static TheoryData<string> Files =>
    [
        "chrArab.dcm", "chrFren.dcm", "chrFrenMulti.dcm", "chrGerm.dcm", "chrGreek.dcm", "chrH31.dcm", "chrH32.dcm",
        "chrHbrw.dcm", "chrI2.dcm", "chrJapMulti.dcm", "chrJapMultiExplicitIR6.dcm", "chrKoreanMulti.dcm", "chrRuss.dcm",
        "chrSQEncoding.dcm", "chrSQEncoding1.dcm", "chrX1.dcm", "chrX2.dcm",
    ];

    [Theory]
    [MemberData(nameof(Files))]
    public void Decode_gives_the_values_pydicom_decodes(string file)
    {
        var elements = peer.Elements(file);
        Assert.NotEmpty(elements);
        foreach (var element in elements)
        {
            var (vr, charset, raw) = Read(element);
            string path = element.GetProperty("path").GetString()!;
            string decoded = DicomCharacterSet.Decode(raw, charset, vr, DicomTextErrorMode.Throw);
            Assert.Equal(DicomCharacterSet.Decode(raw, charset, vr), decoded);

            string[] values = vr is "LT" or "ST" or "UT" ? [decoded] : decoded.Split('\\');
            var expected = element.GetProperty("decoded").EnumerateArray().ToList();
            Assert.True(expected.Count == values.Length, $"{file} {path}: {values.Length} values, pydicom has {expected.Count}");
            for (int i = 0; i < values.Length; i++)
            {
                var want = expected[i].EnumerateArray().Select(e => e.GetString()!).ToArray();
                string[] got = vr == "PN" ? ComponentGroups(values[i]) : [values[i].TrimEnd(' ', '\0')];
                Assert.True(want.SequenceEqual(got), $"{file} {path} value {i + 1}: got [{string.Join(" | ", got)}], pydicom [{string.Join(" | ", want)}]");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Encode_gives_the_bytes_pydicom_encodes_and_round_trips(string file)
    {
        int compared = 0;
        foreach (var element in peer.Elements(file))
        {
            var (vr, charset, raw) = Read(element);
            string path = element.GetProperty("path").GetString()!;
            string text = string.Join('\\', element.GetProperty("decoded").EnumerateArray()
                .Select(v => string.Join('=', v.EnumerateArray().Select(e => e.GetString()))));

            byte[] encoded = DicomCharacterSet.Encode(text, charset, vr, DicomTextErrorMode.Throw);
            Assert.Equal(text, DicomCharacterSet.Decode(encoded, charset, vr, DicomTextErrorMode.Throw));

            if (element.GetProperty("encoded").GetString() is { } peerBase64)
            {
                byte[] peerBytes = Convert.FromBase64String(peerBase64);
                Assert.True(peerBytes.AsSpan().SequenceEqual(encoded), $"{file} {path}: encoded {Convert.ToHexString(encoded)}, pydicom {Convert.ToHexString(peerBytes)}");
                compared++;

                // Where pydicom writes the stored bytes back unchanged, re-encoding our decoding must do so too.
                byte[] stored = raw.AsSpan().TrimEnd((byte)' ').TrimEnd((byte)0).ToArray();
                if (peerBytes.AsSpan().SequenceEqual(stored))
                {
                    string ours = DicomCharacterSet.Decode(raw, charset, vr, DicomTextErrorMode.Throw);
                    Assert.Equal(stored, DicomCharacterSet.Encode(ours, charset, vr, DicomTextErrorMode.Throw));
                }
            }
        }

        Assert.True(compared > 0, $"pydicom encoded no value of {file}");
    }

    private static (string Vr, string[] Charset, byte[] Raw) Read(JsonElement element) =>
        (element.GetProperty("vr").GetString()!,
         [.. element.GetProperty("charset").EnumerateArray().Select(e => e.GetString()!)],
         Convert.FromBase64String(element.GetProperty("raw").GetString()!));

    /// <summary>A PN value's component groups, without the empty groups at its end (as pydicom reports them).</summary>
    private static string[] ComponentGroups(string value)
    {
        var groups = value.Split('=').ToList();
        while (groups.Count > 0 && groups[^1].Length == 0)
        {
            groups.RemoveAt(groups.Count - 1);
        }

        return [.. groups];
    }
}
