namespace ContinualSegment.Node.Routing;

/// <summary>The kind of a routing decision.</summary>
public enum RoutingVerdict
{
    /// <summary>A job is made.</summary>
    Segment,

    /// <summary>A rule took the series and refused it; the reason is recorded.</summary>
    Rejected,

    /// <summary>No rule took the series; recorded with the reason.</summary>
    Unmatched,
}
