using Microsoft.Extensions.Logging;

namespace ContinualSegment.Imaging.Results;

/// <summary>
/// Log messages of the results writer (event ids 3200–3299).
/// Blocks in use in this project: 3000–3099 Series, 3100–3199 Segmentation, 3200–3299 Results.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Label map resampled onto the series grid {SizeX}×{SizeY}×{SizeZ}")]
    public static partial void LabelsResampled(ILogger logger, int sizeX, int sizeY, int sizeZ);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Results written: {Structures} structures; Segmentation {SegmentationSeconds:F2} s, structure set {StructureSetSeconds:F2} s, total {TotalSeconds:F2} s")]
    public static partial void ResultsWritten(ILogger logger, int structures, double segmentationSeconds, double structureSetSeconds, double totalSeconds);
}
