namespace ContinualSegment.Node.Routing;

/// <summary>The <c>Routing</c> section: when a series is complete, and which rule sends it where.</summary>
public sealed class RoutingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Routing";

    /// <summary>Seconds without a new instance after which a series is complete.</summary>
    public int QuietPeriodSeconds { get; set; } = 20;

    /// <summary>Quiet periods for particular calling AE titles (a slow modality, a PACS that sends in bursts).</summary>
    public IDictionary<string, int> QuietPeriodSecondsByCallingAe { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>What to do when a complete series grows.</summary>
    public SeriesGrowthPolicy GrowthPolicy { get; set; } = SeriesGrowthPolicy.Rerun;

    /// <summary>Rules tried in order; the first that takes a series decides.</summary>
    public IList<RoutingRule> Rules { get; } = [];

    /// <summary>The rule used when no rule in <see cref="Rules"/> takes a series (its name is "default"); its criteria apply too.</summary>
    public RoutingRule Default { get; set; } = new() { Name = "default" };

    /// <summary>The quiet period for a series sent by <paramref name="callingAeTitle"/>.</summary>
    public TimeSpan QuietPeriodFor(string callingAeTitle) =>
        TimeSpan.FromSeconds(QuietPeriodSecondsByCallingAe.TryGetValue(callingAeTitle, out var seconds) ? seconds : QuietPeriodSeconds);
}
