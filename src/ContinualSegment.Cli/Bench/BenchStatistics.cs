namespace ContinualSegment.Cli.Bench;

/// <summary>Summaries of repeated timings.</summary>
internal static class BenchStatistics
{
    /// <summary>The middle value (the upper one of the two middle values for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        return sorted.Length > 0 ? sorted[sorted.Length / 2] : throw new ArgumentException("no values", nameof(values));
    }
}
