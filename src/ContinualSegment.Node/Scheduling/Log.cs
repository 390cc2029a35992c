using Microsoft.Extensions.Logging;

namespace ContinualSegment.Node.Scheduling;

/// <summary>Log messages of the scheduling concern (event ids 14000-14099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 14000, Level = LogLevel.Warning, Message = "A scheduled round failed and is tried again at the next tick: {Reason}")]
    public static partial void RoundFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 14001, Level = LogLevel.Information, Message = "Retention removed {Files} file(s) ({Bytes} bytes): received instances of {Series} series, results of {Jobs} job(s)")]
    public static partial void RetentionSwept(ILogger logger, int series, int jobs, int files, long bytes);
}
