namespace ContinualSegment.Node.Queue;

/// <summary>A job as listed: its series, route, state, attempts and last error.</summary>
public sealed record JobSummary(long Id, string SeriesInstanceUid, int ContentVersion, string Route, string State, int Attempts, int MaxAttempts, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, string LastError);
