namespace ContinualSegment.Node.Queue;

/// <summary>A job a worker holds: its lease is <see cref="LeaseOwner"/>'s until <see cref="LeaseExpiresAt"/> unless the heartbeat extends it.</summary>
public sealed record ClaimedJob(
    long Id,
    long SeriesId,
    int ContentVersion,
    string Route,
    IReadOnlyList<string> Decoders,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<string> Destinations,
    int Attempt,
    int MaxAttempts,
    string LeaseOwner,
    DateTimeOffset LeaseExpiresAt);
