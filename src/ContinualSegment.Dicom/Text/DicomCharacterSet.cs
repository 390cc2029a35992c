using System.Text;

namespace ContinualSegment.Dicom.Text;

/// <summary>
/// Decodes and encodes the text of DICOM string values under Specific Character Set (0008,0005)
/// (PS3.5 6.1, PS3.3 C.12.1.1.2): the default repertoire ISO-IR 6, the single-byte sets ISO-IR 100, 101, 109,
/// 110, 144, 127, 126, 138, 148, 166 and 13, their "ISO 2022 IR nnn" forms with code extensions together with
/// ISO-IR 87 and 159 (Japanese), 149 (Korean) and 58 (Chinese), and the whole-value encodings ISO_IR 192 (UTF-8),
/// GB18030 and GBK.
/// </summary>
/// <remarks>
/// Only SH, LO, ST, LT, UC, UT and PN take the Specific Character Set; every other VR is read in the default
/// repertoire whatever (0008,0005) says. A decoded value may be split into its values at '\' afterwards: no
/// supported set decodes a character of a multi-byte sequence to U+005C (the backslash of ISO-IR 14 is the
/// delimiter, as DICOM requires). An empty value 1 of (0008,0005) stands for ISO-IR 6.
/// </remarks>
public static class DicomCharacterSet
{
    private static readonly HashSet<string> SpecificCharacterSetVrs = new(StringComparer.Ordinal) { "SH", "LO", "ST", "LT", "UC", "UT", "PN" };

    /// <summary>
    /// Decodes a value with <see cref="DicomTextErrorMode.Replace"/>: unknown terms fall back to the default
    /// repertoire and undecodable bytes become U+FFFD. Trailing padding (spaces and NULs) is removed.
    /// </summary>
    /// <param name="bytes">The value as stored, padding included.</param>
    /// <param name="specificCharacterSet">The values of (0008,0005) in force (inherited into sequence items); may be empty.</param>
    /// <param name="vrCode">The two-letter VR of the element.</param>
    public static string Decode(ReadOnlySpan<byte> bytes, IReadOnlyList<string> specificCharacterSet, string vrCode) =>
        Decode(bytes, specificCharacterSet, vrCode, DicomTextErrorMode.Replace);

    /// <summary>Decodes a value; trailing padding (spaces and NULs) is removed.</summary>
    /// <param name="bytes">The value as stored, padding included.</param>
    /// <param name="specificCharacterSet">The values of (0008,0005) in force (inherited into sequence items); may be empty.</param>
    /// <param name="vrCode">The two-letter VR of the element.</param>
    /// <param name="mode">Whether to recover from, or throw a <see cref="DicomException"/> for, bad input.</param>
    /// <exception cref="DicomException">Bad input and <paramref name="mode"/> is <see cref="DicomTextErrorMode.Throw"/>.</exception>
    public static string Decode(ReadOnlySpan<byte> bytes, IReadOnlyList<string> specificCharacterSet, string vrCode, DicomTextErrorMode mode)
    {
        ArgumentNullException.ThrowIfNull(vrCode);
        int length = bytes.Length;
        while (length > 0 && bytes[length - 1] is 0x20 or 0x00)
        {
            length--;
        }

        bytes = bytes[..length];
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        var charset = CharacterSetFor(specificCharacterSet, vrCode, mode);
        if (charset.StandAlone is { } encoding)
        {
            return DecodeWhole(bytes, encoding, charset, mode);
        }

        return Iso2022Decoder.Decode(bytes, charset, DelimitersOf(vrCode), mode);
    }

    /// <summary>The character sets a value of this VR is in: those of (0008,0005) for text VRs that use them, else the default repertoire.</summary>
    private static ParsedCharacterSet CharacterSetFor(IReadOnlyList<string> specificCharacterSet, string vrCode, DicomTextErrorMode mode) =>
        UsesSpecificCharacterSet(vrCode) ? ParsedCharacterSet.Parse(specificCharacterSet, mode) : ParsedCharacterSet.DefaultRepertoire;

    /// <summary>
    /// Encodes a value with <see cref="DicomTextErrorMode.Replace"/>: characters no declared set holds become '?'.
    /// No padding is added.
    /// </summary>
    /// <param name="value">The text; several values joined with '\' as stored.</param>
    /// <param name="specificCharacterSet">The values of (0008,0005) in force; may be empty.</param>
    /// <param name="vrCode">The two-letter VR of the element.</param>
    public static byte[] Encode(string value, IReadOnlyList<string> specificCharacterSet, string vrCode) =>
        Encode(value, specificCharacterSet, vrCode, DicomTextErrorMode.Replace);

    /// <summary>Encodes a value, with the escape sequences it needs; no padding is added.</summary>
    /// <param name="value">The text; several values joined with '\' as stored.</param>
    /// <param name="specificCharacterSet">The values of (0008,0005) in force; may be empty.</param>
    /// <param name="vrCode">The two-letter VR of the element.</param>
    /// <param name="mode">Whether to substitute '?' for, or throw a <see cref="DicomException"/> at, a character that cannot be encoded.</param>
    /// <exception cref="DicomException">Bad input and <paramref name="mode"/> is <see cref="DicomTextErrorMode.Throw"/>.</exception>
    public static byte[] Encode(string value, IReadOnlyList<string> specificCharacterSet, string vrCode, DicomTextErrorMode mode)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(vrCode);
        if (value.Length == 0)
        {
            return [];
        }

        var charset = CharacterSetFor(specificCharacterSet, vrCode, mode);
        if (charset.StandAlone is { } encoding)
        {
            return EncodeWhole(value, encoding, charset, mode);
        }

        return Iso2022Encoder.Encode(value, charset, DelimitersOf(vrCode), mode);
    }

    /// <summary>
    /// True when <paramref name="term"/> is a Defined Term of Specific Character Set this codec supports
    /// (surrounding padding ignored); the empty string, standing for the default repertoire, is supported.
    /// </summary>
    public static bool IsSupported(string term) => term is not null && CharacterSetTerm.Find(term) is not null;

    /// <summary>True when values of <paramref name="vrCode"/> are coded with the Specific Character Set (SH, LO, ST, LT, UC, UT, PN).</summary>
    public static bool UsesSpecificCharacterSet(string vrCode) => vrCode is not null && SpecificCharacterSetVrs.Contains(vrCode);

    private static TextDelimiters DelimitersOf(string vrCode) => vrCode switch
    {
        "PN" => TextDelimiters.PersonName,
        "LT" or "ST" or "UT" => TextDelimiters.ControlsOnly,
        _ => TextDelimiters.MultiValued,
    };

    private static string DecodeWhole(ReadOnlySpan<byte> bytes, Encoding encoding, ParsedCharacterSet charset, DicomTextErrorMode mode)
    {
        string text = encoding.GetString(bytes);
        int bad = text.IndexOf(TextEncodings.Invalid, StringComparison.Ordinal);
        if (bad < 0)
        {
            return text;
        }

        if (mode == DicomTextErrorMode.Throw)
        {
            throw new DicomException($"Text value is not valid {charset.Description}: it holds an invalid byte sequence (first bad character at index {bad}).");
        }

        return text.Replace(TextEncodings.Invalid, '\uFFFD');
    }

    private static byte[] EncodeWhole(string value, Encoding encoding, ParsedCharacterSet charset, DicomTextErrorMode mode)
    {
        var output = new List<byte>(value.Length * 2);
        var buffer = new byte[8];
        for (int i = 0; i < value.Length; i++)
        {
            int count = char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? 2 : 1;
            int n = encoding.GetBytes(value.AsSpan(i, count), buffer);
            if (n == 0)
            {
                if (mode == DicomTextErrorMode.Throw)
                {
                    throw new DicomException($"Character at index {i} cannot be encoded with Specific Character Set '{charset.Description}'.");
                }

                output.Add((byte)'?');
            }
            else
            {
                output.AddRange(buffer.AsSpan(0, n));
            }

            i += count - 1;
        }

        return [.. output];
    }
}
