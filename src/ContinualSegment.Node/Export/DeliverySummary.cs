namespace ContinualSegment.Node.Export;

/// <summary>A delivery as listed.</summary>
public sealed record DeliverySummary(long Id, long JobId, string Destination, string State, int Attempts, DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt, string LastError);
