using System.Globalization;

namespace ContinualSegment.Dicom;

/// <summary>
/// Formats numbers as Decimal String (DS) values (PS3.5 §6.2): at most 16 characters of digits, sign, point and
/// exponent. A value is written as its shortest round-trip text when that fits; otherwise with as many significant
/// digits as 16 characters hold, so it reads back as close as DS allows.
/// </summary>
public static class DicomDecimalString
{
    /// <summary>The longest DS value, in characters.</summary>
    public const int MaxLength = 16;

    private static readonly string[] Precisions = [.. Enumerable.Range(0, 17).Select(static d => "G" + d.ToString(CultureInfo.InvariantCulture))];

    /// <summary>The DS text of <paramref name="value"/> ("0" for both zeros).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite.</exception>
    public static string Format(double value)
    {
        Span<char> text = stackalloc char[MaxLength];
        return new string(text[..Format(value, text)]);
    }

    /// <summary>Writes the DS text of <paramref name="value"/> into <paramref name="destination"/> (at least <see cref="MaxLength"/> characters) and returns its length.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="MaxLength"/>.</exception>
    public static int Format(double value, Span<char> destination)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A value that is not finite cannot be written as a decimal string.");
        }

        if (destination.Length < MaxLength)
        {
            throw new ArgumentException($"A decimal string needs room for {MaxLength} characters.", nameof(destination));
        }

        if (value == 0)
        {
            destination[0] = '0';
            return 1;
        }

        Span<char> scratch = stackalloc char[32];
        if (value.TryFormat(scratch, out int written, "R", CultureInfo.InvariantCulture) && written <= MaxLength)
        {
            scratch[..written].CopyTo(destination);
            return written;
        }

        for (int digits = 16; digits > 0; digits--)
        {
            if (value.TryFormat(scratch, out written, Precisions[digits], CultureInfo.InvariantCulture) && written <= MaxLength)
            {
                scratch[..written].CopyTo(destination);
                return written;
            }
        }

        // Unreachable for finite doubles: one significant digit with a three-digit exponent takes at most 7 characters.
        throw new ArgumentOutOfRangeException(nameof(value), value, "The value cannot be written as a decimal string.");
    }
}
