namespace ContinualSegment.Model.Pipeline;

/// <summary>A decoder that did not run, in a segmentation's report.</summary>
/// <param name="Id">The decoder.</param>
/// <param name="Reason">Why it did not run.</param>
public sealed record SegmentationReportSkip(string Id, string Reason);
