using Microsoft.Extensions.Logging;

namespace ContinualSegment.Node.Scheduling;

/// <summary>Log messages of the scheduling concern (event ids 14000-14099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 14000, Level = LogLevel.Warning, Message = "The scheduled {Round} failed and runs again at its next firing: {Reason}")]
    public static partial void RoundFailed(ILogger logger, string round, string reason);

    [LoggerMessage(EventId = 14001, Level = LogLevel.Information, Message = "Retention removed {Files} file(s) ({Bytes} bytes): received instances of {Series} series, results of {Jobs} job(s)")]
    public static partial void RetentionSwept(ILogger logger, int series, int jobs, int files, long bytes);

    [LoggerMessage(EventId = 14002, Level = LogLevel.Information, Message = "Scheduler {Instance} joined the cluster: series completion and lease recovery every {Interval}, retention every {RetentionInterval}")]
    public static partial void SchedulerStarted(ILogger logger, string instance, TimeSpan interval, TimeSpan retentionInterval);
}
