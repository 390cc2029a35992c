using Microsoft.Extensions.Logging;

namespace ContinualSegment.Imaging.Segmentation;

/// <summary>
/// Log messages of the Segmentation writer (event ids 3100–3199).
/// Blocks in use in this project: 3000–3099 Series, 3100–3199 Segmentation, 3200–3299 Results.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Debug, Message = "Segmentation planned: {Written} of {Requested} segments, {Frames} frames")]
    public static partial void SegmentationPlanned(ILogger logger, int requested, int written, int frames);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Segmentation written: {Segments} segments, {Frames} frames, {PixelBytes} bytes of pixel data in {ElapsedMs:F0} ms")]
    public static partial void SegmentationWritten(ILogger logger, int segments, int frames, long pixelBytes, double elapsedMs);
}
