namespace ContinualSegment.Model.Pipeline;

/// <summary>The input of a segmentation, in its report.</summary>
/// <param name="Path">The input path (null for a series loaded by the caller).</param>
/// <param name="Kind"><c>dicom</c> or <c>nifti</c>.</param>
/// <param name="SeriesDirectory">The DICOM series the results refer to (null when none was read from or written to disk).</param>
/// <param name="SeriesWrittenFromNifti">Whether that series was written from the NIfTI input.</param>
/// <param name="SeriesInstanceUid">Its Series Instance UID (null without a series).</param>
/// <param name="StudyInstanceUid">Its Study Instance UID (null without a series).</param>
/// <param name="Size">Voxels (x, y, z) of the grid the model ran on.</param>
/// <param name="SpacingMm">Its spacing (mm, x, y, z).</param>
/// <param name="Issues">What the series loader noticed (duplicate slices, gaps…).</param>
public sealed record SegmentationReportInput(
    string? Path,
    string Kind,
    string? SeriesDirectory,
    bool SeriesWrittenFromNifti,
    string? SeriesInstanceUid,
    string? StudyInstanceUid,
    IReadOnlyList<int> Size,
    IReadOnlyList<double> SpacingMm,
    IReadOnlyList<string> Issues);
