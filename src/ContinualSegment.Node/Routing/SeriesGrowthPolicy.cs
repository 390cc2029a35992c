namespace ContinualSegment.Node.Routing;

/// <summary>What to do when instances arrive for a series after it was complete.</summary>
public enum SeriesGrowthPolicy
{
    /// <summary>Segment again with every instance (a new job for the new content).</summary>
    Rerun,

    /// <summary>Keep the instances, record the growth, make no new job.</summary>
    Ignore,
}
