using Microsoft.Extensions.Logging;

namespace ContinualSegment.Node.Routing;

/// <summary>Log messages of routing (event ids 11100-11199, in the ingest block).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 11100, Level = LogLevel.Information, Message = "Series {SeriesInstanceUid} complete: {State} {Reason}")]
    public static partial void SeriesCompleted(ILogger logger, string seriesInstanceUid, string state, string reason);

    [LoggerMessage(EventId = 11101, Level = LogLevel.Information, Message = "Series {SeriesInstanceUid} of patient {PatientId} ({PatientName}) complete: {State} {Reason}")]
    public static partial void SeriesOfPatientCompleted(ILogger logger, string seriesInstanceUid, string patientId, string patientName, string state, string reason);

    [LoggerMessage(EventId = 11102, Level = LogLevel.Warning, Message = "Instance {SopInstanceUid} of series {SeriesInstanceUid} discarded: {Reason}")]
    public static partial void InstanceDiscarded(ILogger logger, string sopInstanceUid, string seriesInstanceUid, string reason);
}
