using Microsoft.Extensions.Logging;

namespace ContinualSegment.Dicom;

/// <summary>
/// Log messages of the data set reader and writer (event ids 1000–1099). Blocks in use in this project:
/// 1000–1099 ContinualSegment.Dicom.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning, Message = "Stray delimiter {Tag} at top level (offset {Offset}) skipped")]
    public static partial void StrayDelimiterSkipped(ILogger logger, DicomTag tag, long offset);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Trailing zero padding of {Bytes} bytes at offset {Offset} tolerated")]
    public static partial void TrailingPaddingTolerated(ILogger logger, long offset, int bytes);
}
