namespace ContinualSegment.Imaging.Results;

/// <summary>The files written and what they hold.</summary>
/// <param name="SegmentationPath">The DICOM-SEG file.</param>
/// <param name="StructureSetPath">The RT Structure Set file.</param>
/// <param name="Structures">Catalogue names of the structures written, in label order.</param>
/// <param name="Resampled">Whether the label map had to be resampled onto the series' grid.</param>
/// <param name="Task">The task whose labels were read, or null for catalogue indices.</param>
public sealed record ResultsOutput(string SegmentationPath, string StructureSetPath, IReadOnlyList<string> Structures, bool Resampled, string? Task)
{
    /// <summary>Seconds spent writing the Segmentation (concurrently with the structure set): frames packed and streamed to the file.</summary>
    public double SegmentationSeconds { get; init; }

    /// <summary>Seconds spent on the structure set (concurrently with the Segmentation): contours, data set and file.</summary>
    public double StructureSetSeconds { get; init; }

    /// <summary>
    /// Wall seconds for both objects, label table included: they are written concurrently, so this is less than the
    /// sum of the two.
    /// </summary>
    public double TotalSeconds { get; init; }
}
