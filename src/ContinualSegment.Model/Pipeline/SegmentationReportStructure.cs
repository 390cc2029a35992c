namespace ContinualSegment.Model.Pipeline;

/// <summary>One structure found, in a segmentation's report.</summary>
/// <param name="Label">Its value in the label map (catalogue row).</param>
/// <param name="Name">Its catalogue name.</param>
/// <param name="Task">Its task.</param>
/// <param name="Voxels">Voxels it covers: those labelled with it and those where it lies beneath another structure (an organ under its lesion).</param>
/// <param name="VolumeMl">Its volume (ml, rounded to 0.001).</param>
public sealed record SegmentationReportStructure(int Label, string Name, string Task, long Voxels, double VolumeMl);
