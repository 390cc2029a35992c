using System.Text;

namespace ContinualSegment.Dicom.Text;

/// <summary>
/// One ISO 2022 graphic character set as DICOM uses it (PS3.3 C.12.1.1.2, PS3.5 6.1.2.5): the register it is
/// designated to (G0 or G1), the escape sequence that designates it, and how its 7-bit codes map to Unicode.
/// Codes are handled in their 7-bit form (21H-7EH, or 20H-7FH for 96-character sets); the stream codec adds
/// or strips the high bit for sets invoked into GR.
/// </summary>
internal sealed class GraphicSet
{
    private const char JisKatakanaFirst = '\uFF61';

    private GraphicSet(string name, GraphicSetKind kind, byte[] escape, bool isG1, int codePage = 0)
    {
        Name = name;
        Kind = kind;
        Escape = escape;
        IsG1 = isG1;
        CodePage = codePage;
    }

    internal static GraphicSet Ascii { get; } = new("ISO-IR 6", GraphicSetKind.Ascii, [0x1B, 0x28, 0x42], false);

    internal static GraphicSet JisRoman { get; } = new("ISO-IR 14", GraphicSetKind.JisRoman, [0x1B, 0x28, 0x4A], false);

    internal static GraphicSet JisKatakana { get; } = new("ISO-IR 13", GraphicSetKind.JisKatakana, [0x1B, 0x29, 0x49], true);

    internal static GraphicSet Latin1 { get; } = Iso8859Set("ISO-IR 100", (byte)'A', 28591);

    internal static GraphicSet Latin2 { get; } = Iso8859Set("ISO-IR 101", (byte)'B', 28592);

    internal static GraphicSet Latin3 { get; } = Iso8859Set("ISO-IR 109", (byte)'C', 28593);

    internal static GraphicSet Latin4 { get; } = Iso8859Set("ISO-IR 110", (byte)'D', 28594);

    internal static GraphicSet Greek { get; } = Iso8859Set("ISO-IR 126", (byte)'F', 28597);

    internal static GraphicSet Arabic { get; } = Iso8859Set("ISO-IR 127", (byte)'G', 28596);

    internal static GraphicSet Hebrew { get; } = Iso8859Set("ISO-IR 138", (byte)'H', 28598);

    internal static GraphicSet Cyrillic { get; } = Iso8859Set("ISO-IR 144", (byte)'L', 28595);

    internal static GraphicSet Latin5 { get; } = Iso8859Set("ISO-IR 148", (byte)'M', 28599);

    internal static GraphicSet Thai { get; } = new("ISO-IR 166", GraphicSetKind.Thai, [0x1B, 0x2D, 0x54], true);

    internal static GraphicSet Jis0208 { get; } = new("ISO-IR 87", GraphicSetKind.Jis0208, [0x1B, 0x24, 0x42], false);

    internal static GraphicSet Jis0212 { get; } = new("ISO-IR 159", GraphicSetKind.Jis0212, [0x1B, 0x24, 0x28, 0x44], false);

    internal static GraphicSet Ksx1001 { get; } = new("ISO-IR 149", GraphicSetKind.Ksx1001, [0x1B, 0x24, 0x29, 0x43], true);

    internal static GraphicSet Gb2312 { get; } = new("ISO-IR 58", GraphicSetKind.Gb2312, [0x1B, 0x24, 0x29, 0x41], true);

    /// <summary>Every set, in the order escape sequences are matched.</summary>
    internal static IReadOnlyList<GraphicSet> All { get; } =
    [
        Ascii, JisRoman, JisKatakana, Latin1, Latin2, Latin3, Latin4, Greek, Arabic, Hebrew, Cyrillic, Latin5, Thai,
        Jis0208, Jis0212, Ksx1001, Gb2312,
    ];

    internal string Name { get; }

    internal GraphicSetKind Kind { get; }

    /// <summary>The escape sequence that designates this set, ESC included.</summary>
    internal byte[] Escape { get; }

    /// <summary>True when DICOM designates the set to G1 (invoked into GR, bytes A0H-FFH); false for G0 (GL).</summary>
    internal bool IsG1 { get; }

    /// <summary>True for the 94×94 two-byte sets.</summary>
    internal bool IsDoubleByte => Kind is GraphicSetKind.Jis0208 or GraphicSetKind.Jis0212 or GraphicSetKind.Ksx1001 or GraphicSetKind.Gb2312;

    /// <summary>True for the sets whose GL codes are the ASCII characters (ISO-IR 6, and ISO-IR 14 as DICOM reads it).</summary>
    internal bool IsAsciiLike => Kind is GraphicSetKind.Ascii or GraphicSetKind.JisRoman;

    private int CodePage { get; }

    /// <summary>Maps one 7-bit code of a single-byte set to its character, or <see cref="TextEncodings.Invalid"/>.</summary>
    internal char DecodeSingle(byte code)
    {
        switch (Kind)
        {
            case GraphicSetKind.Ascii:
            case GraphicSetKind.JisRoman:
                return code is >= 0x21 and <= 0x7E ? (char)code : TextEncodings.Invalid;
            case GraphicSetKind.JisKatakana:
                return code is >= 0x21 and <= 0x5F ? (char)(JisKatakanaFirst + (code - 0x21)) : TextEncodings.Invalid;
            case GraphicSetKind.Thai:
                return code is (>= 0x21 and <= 0x5A) or (>= 0x5F and <= 0x7B) ? (char)(0x0E00 + (code - 0x20)) : TextEncodings.Invalid;
            case GraphicSetKind.Iso8859:
                if (code is < 0x20 or > 0x7F)
                {
                    return TextEncodings.Invalid;
                }

                if (Amendment(code) is { } amended)
                {
                    return amended;
                }

                Span<byte> one = [(byte)(code | 0x80)];
                Span<char> chars = stackalloc char[2];
                int n = TextEncodings.Iso8859(CodePage).GetChars(one, chars);

                // The code pages map the positions ISO 8859 leaves unassigned into the private use area.
                return n == 1 && chars[0] is < '\uE000' or > '\uF8FF' ? chars[0] : TextEncodings.Invalid;
            default:
                return TextEncodings.Invalid;
        }
    }

    /// <summary>Maps one 7-bit code pair of a 94×94 set to its character, or <see cref="TextEncodings.Invalid"/>.</summary>
    internal char DecodeDouble(byte first, byte second)
    {
        if (first is < 0x21 or > 0x7E || second is < 0x21 or > 0x7E)
        {
            return TextEncodings.Invalid;
        }

        if (Amendment((first << 8) | second) is { } amended)
        {
            return amended;
        }

        Span<byte> pair = stackalloc byte[2];
        pair[0] = (byte)(first | 0x80);
        pair[1] = (byte)(second | 0x80);
        Encoding encoding;
        switch (Kind)
        {
            case GraphicSetKind.Jis0208:
                encoding = TextEncodings.EucJp;
                break;
            case GraphicSetKind.Jis0212:
                // Code page 20932 carries JIS X 0212 as a GR lead byte followed by a GL trail byte.
                pair[1] = second;
                encoding = TextEncodings.EucJp;
                break;
            case GraphicSetKind.Ksx1001:
                encoding = TextEncodings.EucKr;
                break;
            case GraphicSetKind.Gb2312:
                encoding = TextEncodings.EucCn;
                break;
            default:
                return TextEncodings.Invalid;
        }

        Span<char> chars = stackalloc char[2];
        int n = encoding.GetChars(pair, chars);
        return n == 1 ? chars[0] : TextEncodings.Invalid;
    }

    /// <summary>
    /// Finds the 7-bit code(s) of <paramref name="c"/> in this set. Returns the number of codes written to
    /// <paramref name="codes"/> (1 or 2), or 0 when the set does not contain the character.
    /// </summary>
    internal int TryEncode(char c, Span<byte> codes)
    {
        switch (Kind)
        {
            case GraphicSetKind.Ascii:
            case GraphicSetKind.JisRoman:
                if (c is >= '\u0021' and <= '\u007E')
                {
                    codes[0] = (byte)c;
                    return 1;
                }

                return 0;
            case GraphicSetKind.JisKatakana:
                if (c is >= JisKatakanaFirst and <= '\uFF9F')
                {
                    codes[0] = (byte)(0x21 + (c - JisKatakanaFirst));
                    return 1;
                }

                return 0;
            case GraphicSetKind.Thai:
                int thai = c - 0x0E00 + 0x20;
                if (thai is (>= 0x21 and <= 0x5A) or (>= 0x5F and <= 0x7B))
                {
                    codes[0] = (byte)thai;
                    return 1;
                }

                return 0;
            case GraphicSetKind.Iso8859:
                if (TryEncodeAmended(c, codes) is int amendedCount)
                {
                    return amendedCount;
                }

                return c is >= '\uE000' and <= '\uF8FF' ? 0 : EncodeWith(TextEncodings.Iso8859(CodePage), c, codes, singleByte: true);
            case GraphicSetKind.Jis0208:
            case GraphicSetKind.Ksx1001:
            case GraphicSetKind.Gb2312:
                if (TryEncodeAmended(c, codes) is int amendedPair)
                {
                    return amendedPair;
                }

                var encoding = Kind switch
                {
                    GraphicSetKind.Jis0208 => TextEncodings.EucJp,
                    GraphicSetKind.Ksx1001 => TextEncodings.EucKr,
                    _ => TextEncodings.EucCn,
                };
                return EncodeWith(encoding, c, codes, singleByte: false);
            case GraphicSetKind.Jis0212:
                return TryEncodeAmended(c, codes) ?? EncodeJis0212(c, codes);
            default:
                return 0;
        }
    }

    private static GraphicSet Iso8859Set(string name, byte final, int codePage) =>
        new(name, GraphicSetKind.Iso8859, [0x1B, 0x2D, final], true, codePage);

    /// <summary>
    /// Codes whose character the underlying code page gets wrong or lacks, per the current editions of the standards
    /// (ISO 8859-7:2003, ISO 8859-8:1999, the JIS X 0212 and GB 2312 mappings).
    /// Codes are the 7-bit code, or first &lt;&lt; 8 | second for two-byte sets.
    /// </summary>
    private static (GraphicSetKind Kind, int CodePage, int Code, char Char)[] Amendments { get; } =
    [
        (GraphicSetKind.Iso8859, 28597, 0x21, '\u2018'),
        (GraphicSetKind.Iso8859, 28597, 0x22, '\u2019'),
        (GraphicSetKind.Iso8859, 28597, 0x24, '\u20AC'),
        (GraphicSetKind.Iso8859, 28597, 0x25, '\u20AF'),
        (GraphicSetKind.Iso8859, 28597, 0x2A, '\u037A'),
        (GraphicSetKind.Iso8859, 28598, 0x2F, '\u00AF'),
        (GraphicSetKind.Iso8859, 28598, 0x7D, '\u200E'),
        (GraphicSetKind.Iso8859, 28598, 0x7E, '\u200F'),
        (GraphicSetKind.Jis0212, 0, 0x2237, '\u007E'),
        (GraphicSetKind.Jis0212, 0, 0x2271, '\u2116'),
        (GraphicSetKind.Gb2312, 0, 0x212C, '\u2016'),
    ];

    /// <summary>Characters the code pages give to codes that now hold something else; never encoded.</summary>
    private static (int CodePage, char Char)[] Superseded { get; } = [(28597, '\u02BD'), (28597, '\u02BC'), (28598, '\u203E')];

    private char? Amendment(int code)
    {
        foreach (var a in Amendments)
        {
            if (a.Kind == Kind && a.CodePage == CodePage && a.Code == code)
            {
                return a.Char;
            }
        }

        return null;
    }

    /// <summary>The codes of <paramref name="c"/> when an amendment decides them; null when the code page does.</summary>
    private int? TryEncodeAmended(char c, Span<byte> codes)
    {
        foreach (var a in Amendments)
        {
            if (a.Kind == Kind && a.CodePage == CodePage && a.Char == c && c >= 0x80)
            {
                if (a.Code > 0xFF)
                {
                    codes[0] = (byte)(a.Code >> 8);
                    codes[1] = (byte)(a.Code & 0xFF);
                    return 2;
                }

                codes[0] = (byte)a.Code;
                return 1;
            }
        }

        foreach (var (codePage, superseded) in Superseded)
        {
            if (codePage == CodePage && Kind == GraphicSetKind.Iso8859 && superseded == c)
            {
                return 0;
            }
        }

        return null;
    }

    private static int EncodeWith(Encoding encoding, char c, Span<byte> codes, bool singleByte)
    {
        if (char.IsSurrogate(c) || c < 0x80)
        {
            return 0;
        }

        ReadOnlySpan<char> one = [c];
        Span<byte> bytes = stackalloc byte[8];
        int n = encoding.GetBytes(one, bytes);
        if (singleByte)
        {
            if (n == 1 && bytes[0] >= 0xA0)
            {
                codes[0] = (byte)(bytes[0] & 0x7F);
                return 1;
            }

            return 0;
        }

        if (n == 2 && bytes[0] is >= 0xA1 and <= 0xFE && bytes[1] is >= 0xA1 and <= 0xFE)
        {
            codes[0] = (byte)(bytes[0] & 0x7F);
            codes[1] = (byte)(bytes[1] & 0x7F);
            return 2;
        }

        return 0;
    }

    private static int EncodeJis0212(char c, Span<byte> codes)
    {
        if (char.IsSurrogate(c) || c < 0x80)
        {
            return 0;
        }

        ReadOnlySpan<char> one = [c];
        Span<byte> bytes = stackalloc byte[8];
        int n = TextEncodings.EucJp.GetBytes(one, bytes);
        if (n == 2 && bytes[0] is >= 0xA1 and <= 0xFE && bytes[1] is >= 0x21 and <= 0x7E)
        {
            codes[0] = (byte)(bytes[0] & 0x7F);
            codes[1] = bytes[1];
            return 2;
        }

        return 0;
    }
}
