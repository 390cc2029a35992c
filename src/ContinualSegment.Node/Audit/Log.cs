using Microsoft.Extensions.Logging;

namespace ContinualSegment.Node.Audit;

/// <summary>Log messages of the audit concern (event ids 18000-18099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 18000, Level = LogLevel.Error, Message = "Could not write {Count} audit event(s): {Reason}")]
    public static partial void AuditWriteFailed(ILogger logger, int count, string reason);
}
