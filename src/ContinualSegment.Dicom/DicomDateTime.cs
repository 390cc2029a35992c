using System.Globalization;

namespace ContinualSegment.Dicom;

/// <summary>Parsing of DA, TM and DT values (PS3.5 §6.2).</summary>
public static class DicomDateTime
{
    public static DateOnly ParseDate(string value, DicomTag tag = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var s = value.Trim().Replace(".", string.Empty, StringComparison.Ordinal);
        if (s.Length == 8
            && int.TryParse(s.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            && int.TryParse(s.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            && int.TryParse(s.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var d)
            && y >= 1 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m))
        {
            return new DateOnly(y, m, d);
        }

        throw new DicomException($"{tag} DA value '{value}' is not a date (YYYYMMDD).");
    }

    public static TimeOnly ParseTime(string value, DicomTag tag = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var s = value.Trim().Replace(":", string.Empty, StringComparison.Ordinal);
        if (TryParseTime(s, out var t))
        {
            return t;
        }

        throw new DicomException($"{tag} TM value '{value}' is not a time (HHMMSS.FFFFFF).");
    }

    public static DateTimeOffset ParseDateTime(string value, DicomTag tag, TimeSpan defaultOffset)
    {
        ArgumentNullException.ThrowIfNull(value);
        var s = value.Trim();
        var offset = defaultOffset;
        var signAt = s.IndexOfAny(['+', '-'], Math.Min(4, s.Length));
        if (signAt >= 0)
        {
            var z = s[(signAt + 1)..];
            if (z.Length != 4
                || !int.TryParse(z.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var zh)
                || !int.TryParse(z.AsSpan(2, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var zm)
                || zh > 14 || zm > 59)
            {
                throw new DicomException($"{tag} DT value '{value}' has a bad UTC offset.");
            }

            offset = new TimeSpan(zh, zm, 0);
            if (s[signAt] == '-')
            {
                offset = -offset;
            }

            s = s[..signAt];
        }

        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var whole = dot >= 0 ? s[..dot] : s;
        if (whole.Length < 4 || whole.Length > 14 || (whole.Length & 1) != 0 || !whole.All(char.IsAsciiDigit))
        {
            throw new DicomException($"{tag} DT value '{value}' is not a date-time (YYYYMMDDHHMMSS.FFFFFF&ZZXX).");
        }

        int Part(int start, int fallback) => whole.Length >= start + 2
            ? int.Parse(whole.AsSpan(start, 2), NumberStyles.None, CultureInfo.InvariantCulture)
            : fallback;

        var year = int.Parse(whole.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture);
        var month = Part(4, 1);
        var day = Part(6, 1);
        var timePart = whole.Length > 8 ? whole[8..] + (dot >= 0 ? s[dot..] : string.Empty) : "00";
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || !TryParseTime(timePart, out var time))
        {
            throw new DicomException($"{tag} DT value '{value}' is not a valid date-time.");
        }

        return new DateTimeOffset(new DateOnly(year, month, day), time, offset);
    }

    private static bool TryParseTime(string s, out TimeOnly time)
    {
        time = default;
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var whole = dot >= 0 ? s[..dot] : s;
        var frac = dot >= 0 ? s[(dot + 1)..] : string.Empty;
        if (whole.Length is not (2 or 4 or 6) || !whole.All(char.IsAsciiDigit) || frac.Length > 6 || !frac.All(char.IsAsciiDigit) || (frac.Length > 0 && whole.Length != 6))
        {
            return false;
        }

        var h = int.Parse(whole.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture);
        var m = whole.Length >= 4 ? int.Parse(whole.AsSpan(2, 2), NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        var sec = whole.Length >= 6 ? int.Parse(whole.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        var micro = frac.Length > 0 ? int.Parse(frac.PadRight(6, '0'), NumberStyles.None, CultureInfo.InvariantCulture) : 0;
        if (h > 23 || m > 59 || sec > 60)
        {
            return false;
        }

        // A leap second (60) is clamped to 59.999999.
        time = sec == 60
            ? new TimeOnly(h, m, 59).Add(TimeSpan.FromTicks(9_999_990))
            : new TimeOnly(h, m, sec).Add(TimeSpan.FromTicks(micro * 10L));
        return true;
    }
}
