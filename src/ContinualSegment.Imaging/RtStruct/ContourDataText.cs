using ContinualSegment.Dicom;

namespace ContinualSegment.Imaging.RtStruct;

/// <summary>
/// Builds a Contour Data value (DS, backslash-separated coordinates at 0.01 mm) straight into ASCII bytes, without a
/// string per coordinate. Reused across the contours of one ROI.
/// </summary>
internal sealed class ContourDataText
{
    /// <summary>Longest coordinate text: sign, 9 integer digits, point, 2 decimals.</summary>
    public const int MaxDsLength = DicomDecimalString.MaxLength;

    private byte[] bytes = new byte[1024];

    /// <summary>Bytes written so far (without padding).</summary>
    public int Length { get; private set; }

    public void Clear() => Length = 0;

    /// <summary>Appends one coordinate (with a separating backslash after the first).</summary>
    public void Append(double value)
    {
        if (bytes.Length - Length < MaxDsLength + 1)
        {
            Array.Resize(ref bytes, bytes.Length * 2);
        }

        if (Length > 0)
        {
            bytes[Length++] = (byte)'\\';
        }

        Span<char> chars = stackalloc char[MaxDsLength];
        var n = Format(value, chars);
        for (var i = 0; i < n; i++)
        {
            bytes[Length++] = (byte)chars[i];
        }
    }

    /// <summary>The value padded to even length with a space.</summary>
    public byte[] ToPaddedBytes()
    {
        var result = new byte[Length + (Length & 1)];
        bytes.AsSpan(0, Length).CopyTo(result);
        if ((Length & 1) != 0)
        {
            result[^1] = (byte)' ';
        }

        return result;
    }

    /// <summary>Formats a coordinate rounded to 0.01 mm as a DS value ("-0" written as "0"); returns the characters written.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not finite, or too large for 16 characters.</exception>
    public static int Format(double value, Span<char> destination)
    {
        if (!double.IsFinite(value) || Math.Abs(value) >= 1e9)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "coordinate cannot be written as DS");
        }

        return DicomDecimalString.Format(Math.Round(value, 2), destination);
    }

    /// <summary>A coordinate as <see cref="Format(double, Span{char})"/> writes it.</summary>
    public static string Format(double value)
    {
        Span<char> chars = stackalloc char[MaxDsLength];
        return new string(chars[..Format(value, chars)]);
    }
}
