using ContinualSegment.Model.Pipeline;

namespace ContinualSegment.Node.Workers;

/// <summary>A series a <see cref="SeriesPrefetcher"/> loaded before its job ran, and how long loading it took.</summary>
/// <param name="Input">The loaded series, to segment.</param>
/// <param name="LoadSeconds">Seconds spent loading it (while the series waited for its quiet period to end).</param>
public sealed record PrefetchedSeries(SegmentationInput Input, double LoadSeconds);
