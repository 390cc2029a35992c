using ContinualSegment.Imaging.Segmentation;

namespace ContinualSegment.Imaging.Results;

/// <summary>What <c>cseg results write</c> turns into DICOM-SEG and RTSTRUCT.</summary>
/// <param name="SeriesDirectory">The CT series the label map belongs to.</param>
/// <param name="LabelsPath">The label map (NIfTI).</param>
/// <param name="OutputDirectory">Where seg.dcm and rtstruct.dcm are written.</param>
/// <param name="Task">The task whose local labels the map holds; null to read it from a dataset.json beside the map, or catalogue indices.</param>
/// <param name="Algorithm">Name and version written as the segmentation algorithm.</param>
public sealed record ResultsRequest(string SeriesDirectory, string LabelsPath, string OutputDirectory, string? Task, SegmentAlgorithm Algorithm);
