using System.Globalization;

namespace ContinualSegment.Imaging.Iod;

/// <summary>A date (DA) and a time (TM) value written together, e.g. Instance Creation Date and Time.</summary>
/// <param name="Date">The DA value, <c>YYYYMMDD</c>.</param>
/// <param name="Time">The TM value, <c>HHMMSS</c> or <c>HHMMSS.FFFFFF</c>.</param>
public readonly record struct DicomTimestamp(string Date, string Time)
{
    /// <summary>The date and time of <paramref name="when"/> as written (its own offset), with microseconds when asked.</summary>
    public static DicomTimestamp From(DateTimeOffset when, bool fractionalSeconds) => new(
        when.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
        when.ToString(fractionalSeconds ? "HHmmss.ffffff" : "HHmmss", CultureInfo.InvariantCulture));
}
