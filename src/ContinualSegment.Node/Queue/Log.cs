using Microsoft.Extensions.Logging;

namespace ContinualSegment.Node.Queue;

/// <summary>Log messages of the queue concern (event ids 13000-13099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 13000, Level = LogLevel.Information, Message = "Job {JobId} queued for series {SeriesId} by route {Route}")]
    public static partial void JobQueued(ILogger logger, long jobId, long seriesId, string route);

    [LoggerMessage(EventId = 13001, Level = LogLevel.Information, Message = "Job {JobId} claimed by {Owner} (attempt {Attempt})")]
    public static partial void JobClaimed(ILogger logger, long jobId, string owner, int attempt);

    [LoggerMessage(EventId = 13002, Level = LogLevel.Information, Message = "Job {JobId} succeeded")]
    public static partial void JobSucceeded(ILogger logger, long jobId);

    [LoggerMessage(EventId = 13003, Level = LogLevel.Warning, Message = "Job {JobId} is now {State}: {Error}")]
    public static partial void JobFailed(ILogger logger, long jobId, string state, string error);

    [LoggerMessage(EventId = 13004, Level = LogLevel.Warning, Message = "Job {JobId}: the lease of {Owner} is lost; its outcome is dropped")]
    public static partial void LeaseLost(ILogger logger, long jobId, string owner);
}
