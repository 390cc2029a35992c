using System.Globalization;

namespace ContinualSegment.Dicom.Text;

/// <summary>
/// Encodes text with the sets a Specific Character Set declares, writing the escape sequences PS3.5 6.1.2.5
/// requires: a set is designated when a character needs it, G0 is returned to the set of value 1 before every
/// delimiter and at the end of the value, and after a delimiter both registers count as reset (so a set is
/// designated again when needed). Each character is taken from the set already designated if it can be,
/// otherwise from the first declared set that holds it.
/// </summary>
internal static class Iso2022Encoder
{
    internal static byte[] Encode(string value, ParsedCharacterSet charset, TextDelimiters delimiters, DicomTextErrorMode mode)
    {
        var output = new List<byte>(value.Length + 8);
        var g0 = charset.InitialG0;
        var g1 = charset.InitialG1;
        Span<byte> codes = stackalloc byte[2];

        void ReturnG0()
        {
            if (g0 != charset.InitialG0)
            {
                output.AddRange(charset.InitialG0.Escape);
                g0 = charset.InitialG0;
            }
        }

        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c <= ' ' || c == '\u007F')
            {
                if (c == '\u001B')
                {
                    Unencodable(mode, charset, value, i);
                    ReturnG0();
                    output.Add((byte)'?');
                    continue;
                }

                // Controls and SPACE need a single-byte G0 around them; CR, LF, TAB and FF reset the registers.
                if (g0.IsDoubleByte || c is '\r' or '\n' or '\t' or '\f')
                {
                    ReturnG0();
                }

                output.Add((byte)c);
                if (c is '\r' or '\n' or '\t' or '\f')
                {
                    g1 = charset.InitialG1;
                }

                continue;
            }

            if (Iso2022Decoder.IsDelimiter(c, delimiters))
            {
                ReturnG0();
                output.Add((byte)c);
                g1 = charset.InitialG1;
                continue;
            }

            int n;
            if ((n = g0.TryEncode(c, codes)) > 0)
            {
                Write(output, codes[..n], high: false);
                continue;
            }

            if (g1 is not null && (n = g1.TryEncode(c, codes)) > 0)
            {
                Write(output, codes[..n], high: true);
                continue;
            }

            GraphicSet? found = null;
            foreach (var set in charset.Declared)
            {
                if ((n = set.TryEncode(c, codes)) > 0)
                {
                    found = set;
                    break;
                }
            }

            if (found is null)
            {
                Unencodable(mode, charset, value, i);
                ReturnG0();
                output.Add((byte)'?');
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    i++;
                }

                continue;
            }

            output.AddRange(found.Escape);
            if (found.IsG1)
            {
                g1 = found;
            }
            else
            {
                g0 = found;
            }

            Write(output, codes[..n], high: found.IsG1);
        }

        ReturnG0();
        return [.. output];
    }

    private static void Write(List<byte> output, ReadOnlySpan<byte> codes, bool high)
    {
        foreach (byte code in codes)
        {
            output.Add(high ? (byte)(code | 0x80) : code);
        }
    }

    private static void Unencodable(DicomTextErrorMode mode, ParsedCharacterSet charset, string value, int index)
    {
        if (mode == DicomTextErrorMode.Throw)
        {
            int codePoint = char.IsHighSurrogate(value[index]) && index + 1 < value.Length && char.IsLowSurrogate(value[index + 1])
                ? char.ConvertToUtf32(value[index], value[index + 1])
                : value[index];
            throw new DicomException(string.Create(
                CultureInfo.InvariantCulture,
                $"Character U+{codePoint:X4} at index {index} cannot be encoded with Specific Character Set '{charset.Description}'."));
        }
    }
}
