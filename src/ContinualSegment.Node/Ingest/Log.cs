using Microsoft.Extensions.Logging;

namespace ContinualSegment.Node.Ingest;

/// <summary>Log messages of the ingest concern (event ids 11000-11099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 11000, Level = LogLevel.Debug, Message = "Committed {Count} instance(s) in one transaction")]
    public static partial void GroupCommitted(ILogger logger, int count);

    [LoggerMessage(EventId = 11001, Level = LogLevel.Error, Message = "Could not record instance {SopInstanceUid}: {Reason}")]
    public static partial void RecordFailed(ILogger logger, string sopInstanceUid, string reason);

    [LoggerMessage(EventId = 11002, Level = LogLevel.Debug, Message = "Stored instance {SopInstanceUid} from {CallingAe} ({TransferSyntax}; already known: {Duplicate})")]
    public static partial void InstanceStored(ILogger logger, string sopInstanceUid, string callingAe, string transferSyntax, bool duplicate);

    [LoggerMessage(EventId = 11003, Level = LogLevel.Warning, Message = "Refused instance {SopInstanceUid} from {CallingAe} with status {Status:X4}: {Reason}")]
    public static partial void InstanceRefused(ILogger logger, string sopInstanceUid, string callingAe, ushort status, string reason);

    [LoggerMessage(EventId = 11004, Level = LogLevel.Error, Message = "Refused instance {SopInstanceUid} from {CallingAe} with A700: {FreeMegabytes} MiB free on the storage root, below the low-water mark of {LowWaterMegabytes} MiB")]
    public static partial void LowOnSpace(ILogger logger, string sopInstanceUid, string callingAe, long freeMegabytes, long lowWaterMegabytes);

    [LoggerMessage(EventId = 11005, Level = LogLevel.Information, Message = "Listening as {AeTitle} on port {Port} (DICOM TLS: {Tls})")]
    public static partial void Listening(ILogger logger, string aeTitle, int port, bool tls);

    [LoggerMessage(EventId = 11006, Level = LogLevel.Error, Message = "Could not store instance {SopInstanceUid} from {CallingAe}")]
    public static partial void StoreFailed(ILogger logger, string sopInstanceUid, string callingAe, Exception exception);
}
