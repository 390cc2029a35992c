using Microsoft.Extensions.Logging;

namespace ContinualSegment.Imaging.Series;

/// <summary>
/// Log messages of the series loader (event ids 3000–3099).
/// Blocks in use in this project: 3000–3099 Series, 3100–3199 Segmentation, 3200–3299 Results.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "Series headers read: {Files} files, {Images} images with geometry, {Stacks} stacks kept")]
    public static partial void HeadersRead(ILogger logger, int files, int images, int stacks);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Series {SeriesInstanceUid}: {Decision}")]
    public static partial void LoadDecision(ILogger logger, string seriesInstanceUid, string decision);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Series {SeriesInstanceUid} loaded: {SizeX}×{SizeY}×{SizeZ} voxels, resampled {Resampled}, in {ElapsedMs:F0} ms")]
    public static partial void SeriesLoaded(ILogger logger, string seriesInstanceUid, int sizeX, int sizeY, int sizeZ, bool resampled, double elapsedMs);
}
