using System.Globalization;
using System.Text;

namespace ContinualSegment.Dicom.Text;

/// <summary>
/// Decodes a value coded with ISO 2022 code extensions as DICOM restricts them (PS3.5 6.1.2.5, PS3.3 C.12.1.1.2):
/// G0 is invoked into GL and G1 into GR, escape sequences designate sets, and delimiters return both registers
/// to the sets of value 1. Single-byte terms without extensions are the special case with no escape sequences.
/// </summary>
internal static class Iso2022Decoder
{
    private const byte Esc = 0x1B;

    internal static string Decode(ReadOnlySpan<byte> bytes, ParsedCharacterSet charset, TextDelimiters delimiters, DicomTextErrorMode mode)
    {
        var text = new StringBuilder(bytes.Length);
        var g0 = charset.InitialG0;
        var g1 = charset.InitialG1;
        int i = 0;
        while (i < bytes.Length)
        {
            byte b = bytes[i];
            if (b == Esc)
            {
                var set = MatchEscape(bytes[i..]);
                if (set is null || (mode == DicomTextErrorMode.Throw && !charset.Declared.Contains(set)))
                {
                    Fail(mode, charset, i, set is null
                        ? "an unknown escape sequence"
                        : $"an escape sequence for {set.Name}, which Specific Character Set does not declare");
                    text.Append('\uFFFD');
                    i++;
                    continue;
                }

                if (set.IsG1)
                {
                    g1 = set;
                }
                else
                {
                    g0 = set;
                }

                i += set.Escape.Length;
                continue;
            }

            if (b < 0x21 || b == 0x7F)
            {
                // Controls and SPACE are the same in every set; CR, LF, TAB and FF reset the registers.
                text.Append((char)b);
                if (b is 0x0D or 0x0A or 0x09 or 0x0C)
                {
                    g0 = charset.InitialG0;
                    g1 = charset.InitialG1;
                }

                i++;
                continue;
            }

            if (b < 0x80)
            {
                if (g0.IsDoubleByte)
                {
                    char pair = i + 1 < bytes.Length ? g0.DecodeDouble(b, bytes[i + 1]) : TextEncodings.Invalid;
                    if (pair == TextEncodings.Invalid)
                    {
                        Fail(mode, charset, i, $"bytes not valid in {g0.Name}");
                        text.Append('\uFFFD');
                        i++;
                    }
                    else
                    {
                        text.Append(pair);
                        i += 2;
                    }

                    continue;
                }

                char c = g0.DecodeSingle(b);
                if (c == TextEncodings.Invalid)
                {
                    Fail(mode, charset, i, $"a byte not valid in {g0.Name}");
                    c = '\uFFFD';
                }

                text.Append(c);
                if (IsDelimiter(c, delimiters))
                {
                    g0 = charset.InitialG0;
                    g1 = charset.InitialG1;
                }

                i++;
                continue;
            }

            i += DecodeHigh(bytes, i, g1, charset, mode, text);
        }

        return text.ToString();
    }

    /// <summary>True when <paramref name="c"/> is a delimiter of the given kind (other than the controls).</summary>
    internal static bool IsDelimiter(char c, TextDelimiters delimiters) => delimiters switch
    {
        TextDelimiters.PersonName => c is '\\' or '^' or '=',
        TextDelimiters.MultiValued => c == '\\',
        _ => false,
    };

    private static int DecodeHigh(ReadOnlySpan<byte> bytes, int i, GraphicSet? g1, ParsedCharacterSet charset, DicomTextErrorMode mode, StringBuilder text)
    {
        byte b = bytes[i];
        if (g1 is null)
        {
            Fail(mode, charset, i, "a byte above 7FH while no G1 set is designated");

            // Most writers that omit (0008,0005) use ISO 8859-1; read such bytes that way.
            text.Append((char)b);
            return 1;
        }

        if (g1.IsDoubleByte)
        {
            char pair = i + 1 < bytes.Length && b >= 0xA1 && bytes[i + 1] >= 0xA1
                ? g1.DecodeDouble((byte)(b & 0x7F), (byte)(bytes[i + 1] & 0x7F))
                : TextEncodings.Invalid;
            if (pair == TextEncodings.Invalid)
            {
                Fail(mode, charset, i, $"bytes not valid in {g1.Name}");
                text.Append('\uFFFD');
                return 1;
            }

            text.Append(pair);
            return 2;
        }

        if (b < 0xA0)
        {
            // C1 controls: ISO 8859 reads them as U+0080-U+009F; other sets have no use for them.
            if (g1.Kind == GraphicSetKind.Iso8859)
            {
                text.Append((char)b);
                return 1;
            }

            Fail(mode, charset, i, $"a C1 control byte in a value coded with {g1.Name}");
            text.Append('\uFFFD');
            return 1;
        }

        char c = g1.DecodeSingle((byte)(b & 0x7F));
        if (c == TextEncodings.Invalid)
        {
            Fail(mode, charset, i, $"a byte not valid in {g1.Name}");
            c = '\uFFFD';
        }

        text.Append(c);
        return 1;
    }

    private static GraphicSet? MatchEscape(ReadOnlySpan<byte> bytes)
    {
        foreach (var set in GraphicSet.All)
        {
            if (bytes.StartsWith(set.Escape))
            {
                return set;
            }
        }

        return null;
    }

    private static void Fail(DicomTextErrorMode mode, ParsedCharacterSet charset, int offset, string what)
    {
        if (mode == DicomTextErrorMode.Throw)
        {
            throw new DicomException(string.Create(
                CultureInfo.InvariantCulture,
                $"Text value coded with Specific Character Set '{charset.Description}' has {what} at byte offset {offset}."));
        }
    }
}
