using Microsoft.Extensions.Logging;

namespace ContinualSegment.Node.Ingest;

/// <summary>Log messages of the ingest concern (event ids 11000-11099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 11000, Level = LogLevel.Debug, Message = "Committed {Count} instance(s) in one transaction")]
    public static partial void GroupCommitted(ILogger logger, int count);

    [LoggerMessage(EventId = 11001, Level = LogLevel.Error, Message = "Could not record instance {SopInstanceUid}: {Reason}")]
    public static partial void RecordFailed(ILogger logger, string sopInstanceUid, string reason);
}
