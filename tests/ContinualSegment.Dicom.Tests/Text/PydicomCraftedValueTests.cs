using System.Globalization;
using System.Text.RegularExpressions;
using ContinualSegment.Dicom.Text;

namespace ContinualSegment.Dicom.Tests.Text;

/// <summary>
/// Decodes hand-made values that use the code extensions the sample files do not (JIS X 0212, several single-byte
/// G1 sets in one value, Thai, Turkish, multi-valued Korean text, GBK) and compares with pydicom's decoding.
/// </summary>
public sealed partial class PydicomCraftedValueTests
{
    /// <summary>Inputs only: bytes written as text with {XX} for a byte in hex, the (0008,0005) values, and the VR.</summary>
    private static readonly (string Bytes, string[] Charset, string Vr)[] Cases =
    [
        ("{1B}$(D{30}{21}{1B}(B", ["", "ISO 2022 IR 159"], "LO"),
        ("{1B}$B;3ED{1B}$(D{30}{21}{1B}(B", ["", "ISO 2022 IR 87", "ISO 2022 IR 159"], "LO"),
        ("{1B}$B;3ED{1B}(B^{1B}$(D{30}{21}{1B}(B=Yamada", ["", "ISO 2022 IR 87", "ISO 2022 IR 159"], "PN"),
        ("J{E9}r{F4}me^{1B}-L{BB}{EE}{DA}", ["ISO 2022 IR 100", "ISO 2022 IR 144"], "PN"),
        ("{1B}-T{A1}{A2}^{1B}-F{C4}{E9}", ["", "ISO 2022 IR 166", "ISO 2022 IR 126"], "PN"),
        ("{1B}$)C{B1}{E8}\\{1B}$)C{C8}{F1}", ["", "ISO 2022 IR 149"], "LO"),
        ("{1B}$)C{B1}{E8}^{1B}$)C{C8}{F1}\\Kim^Hee", ["", "ISO 2022 IR 149"], "PN"),
        ("{CD}{F5}^{D0}{A1}", ["GBK"], "PN"),
        ("{81}{30}{81}{30}{CD}{F5}", ["GB18030"], "LO"),
        ("{1B}-A{E9}{0D}{0A}{1B}-B{E9}", ["", "ISO 2022 IR 100", "ISO 2022 IR 101"], "LT"),
        ("{1B})I{B1}{B2}{1B}(J", ["", "ISO 2022 IR 13"], "LO"),
        ("{B1}{B2}ABC", ["ISO_IR 13"], "LO"),
        ("{1B}-M{DD}{FE}", ["", "ISO 2022 IR 148"], "SH"),
        ("{1B}-G{E2}{C8}", ["", "ISO 2022 IR 127"], "SH"),
        ("{1B}-H{F9}{F8}", ["", "ISO 2022 IR 138"], "SH"),
        ("{1B}-B{A1}{1B}-C{A1}{1B}-D{A1}", ["", "ISO 2022 IR 101", "ISO 2022 IR 109", "ISO 2022 IR 110"], "UT"),
        ("{A1}{B0}{C0}{D0}{E0}{F0}", ["ISO_IR 166"], "ST"),
        ("{E7}{8E}{8B}\\{E5}{B0}{8F} ", ["ISO_IR 192"], "UC"),
        ("A^B=C^D=E^F\\G", [], "PN"),
    ];

    [Fact]
    public void Crafted_values_decode_like_pydicom()
    {
        var inputs = Cases.Select(c => (Parse(c.Bytes), c.Charset, c.Vr)).ToList();
        var expected = PydicomCharsetPeer.Decode(inputs);
        Assert.Equal(inputs.Count, expected.Count);
        for (int i = 0; i < inputs.Count; i++)
        {
            var (raw, charset, vr) = inputs[i];
            string decoded = DicomCharacterSet.Decode(raw, charset, vr, DicomTextErrorMode.Throw);
            string[] values = vr is "LT" or "ST" or "UT" ? [decoded] : decoded.Split('\\');
            string[] got = [.. values.Select(v => vr == "PN" ? v.TrimEnd('=') : v.TrimEnd(' ', '\0'))];
            Assert.True(expected[i].SequenceEqual(got), $"case {i} ({Cases[i].Bytes}): got [{string.Join(" | ", got)}], pydicom [{string.Join(" | ", expected[i])}]");

            byte[] encoded = DicomCharacterSet.Encode(decoded, charset, vr, DicomTextErrorMode.Throw);
            Assert.Equal(decoded, DicomCharacterSet.Decode(encoded, charset, vr, DicomTextErrorMode.Throw));
        }
    }

    private static byte[] Parse(string text)
    {
        var bytes = new List<byte>();
        int i = 0;
        foreach (Match m in HexByte().Matches(text))
        {
            bytes.AddRange(text[i..m.Index].Select(c => (byte)c));
            bytes.Add(byte.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            i = m.Index + m.Length;
        }

        bytes.AddRange(text[i..].Select(c => (byte)c));
        return [.. bytes];
    }

    [GeneratedRegex(@"\{([0-9A-F]{2})\}")]
    private static partial Regex HexByte();
}
