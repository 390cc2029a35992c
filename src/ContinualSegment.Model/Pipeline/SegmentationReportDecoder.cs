namespace ContinualSegment.Model.Pipeline;

/// <summary>One decoder of the model directory, in a segmentation's report.</summary>
/// <param name="Id">The decoder.</param>
/// <param name="Task">Its task.</param>
/// <param name="Source"><c>plan</c> or <c>package</c>.</param>
/// <param name="Used">Whether it ran.</param>
/// <param name="Reason">Why it ran or not.</param>
/// <param name="ValidSlices">Model-grid slices inside its body-part range.</param>
/// <param name="TotalSlices">Model-grid slices of the scan.</param>
/// <param name="BodyPartRange">Its body-part range (min, max), when known and finite.</param>
public sealed record SegmentationReportDecoder(
    string Id,
    string Task,
    string Source,
    bool Used,
    string Reason,
    int ValidSlices,
    int TotalSlices,
    IReadOnlyList<double>? BodyPartRange);
