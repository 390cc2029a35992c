namespace ContinualSegment.Imaging.Results;

/// <summary>The files written and what they hold.</summary>
/// <param name="SegmentationPath">The DICOM-SEG file.</param>
/// <param name="StructureSetPath">The RT Structure Set file.</param>
/// <param name="Structures">Catalogue names of the structures written, in label order.</param>
/// <param name="Resampled">Whether the label map had to be resampled onto the series' grid.</param>
/// <param name="Task">The task whose labels were read, or null for catalogue indices.</param>
public sealed record ResultsOutput(string SegmentationPath, string StructureSetPath, IReadOnlyList<string> Structures, bool Resampled, string? Task);
