namespace ContinualSegment.Node.Queue;

/// <summary>A segmentation job to queue: which content of which series, by which route, with what outputs and where to.</summary>
public sealed record JobRequest(long SeriesId, int ContentVersion, string Route, IReadOnlyList<string> Outputs, IReadOnlyList<string> Destinations)
{
    /// <summary>Decoders to run; empty: every enabled decoder.</summary>
    public IReadOnlyList<string> Decoders { get; init; } = [];

    /// <summary>Higher runs first.</summary>
    public int Priority { get; init; }
}
