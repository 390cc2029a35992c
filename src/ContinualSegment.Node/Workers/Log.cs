using Microsoft.Extensions.Logging;

namespace ContinualSegment.Node.Workers;

/// <summary>Log messages of the workers (event ids 15000-15099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 15000, Level = LogLevel.Information, Message = "Worker {Owner} ready: model {Model}, {Threads} libtorch thread(s)")]
    public static partial void WorkerReady(ILogger logger, string owner, string model, int threads);

    [LoggerMessage(EventId = 15001, Level = LogLevel.Information, Message = "Job {JobId} done: {Structures} structure(s), pipeline {Seconds:0.0} s")]
    public static partial void JobDone(ILogger logger, long jobId, int structures, double seconds);

    [LoggerMessage(EventId = 15002, Level = LogLevel.Warning, Message = "Job {JobId} failed: {Reason}")]
    public static partial void JobFailed(ILogger logger, long jobId, string reason);

    [LoggerMessage(EventId = 15003, Level = LogLevel.Warning, Message = "Could not look for work in the database; trying again shortly: {Reason}")]
    public static partial void ClaimFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 15004, Level = LogLevel.Information, Message = "Model {Model} loaded (generation {Generation}, {Reason}): enabled decoders {Decoders}; state change {Change}")]
    public static partial void ModelReloaded(ILogger logger, string model, long generation, string reason, string decoders, long change);

    [LoggerMessage(EventId = 15005, Level = LogLevel.Warning, Message = "Model {Model} could not be reloaded; the jobs keep the model loaded before: {Reason}")]
    public static partial void ModelReloadFailed(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 15006, Level = LogLevel.Debug, Message = "Series {Directory} loaded ahead of its job: {Files} file(s) in {Seconds:0.000} s")]
    public static partial void SeriesPrefetched(ILogger logger, string directory, int files, double seconds);

    [LoggerMessage(EventId = 15007, Level = LogLevel.Debug, Message = "Series {Directory} not loaded ahead of its job (its job will read it and report): {Reason}")]
    public static partial void PrefetchFailed(ILogger logger, string directory, string reason);

    [LoggerMessage(EventId = 15008, Level = LogLevel.Debug, Message = "Series {Directory} changed after it was loaded ahead; its job reads it again")]
    public static partial void PrefetchOutdated(ILogger logger, string directory);

    [LoggerMessage(EventId = 15009, Level = LogLevel.Error, Message = "Job {JobId} could not be settled; its lease runs out and the job is claimed again")]
    public static partial void JobNotSettled(ILogger logger, long jobId, Exception exception);

    [LoggerMessage(EventId = 15010, Level = LogLevel.Warning, Message = "Job {JobId}: its lease could not be renewed (tried again at the next heartbeat): {Reason}")]
    public static partial void HeartbeatFailed(ILogger logger, long jobId, string reason);
}
