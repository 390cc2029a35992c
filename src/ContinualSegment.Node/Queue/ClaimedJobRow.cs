namespace ContinualSegment.Node.Queue;

/// <summary>The row a claim returns, as Dapper maps it.</summary>
internal sealed class ClaimedJobRow
{
    public long Id { get; set; }

    public long SeriesId { get; set; }

    public int ContentVersion { get; set; }

    public string Route { get; set; } = string.Empty;

    public string[] Decoders { get; set; } = [];

    public string[] Outputs { get; set; } = [];

    public string[] Destinations { get; set; } = [];

    public int Attempt { get; set; }

    public int MaxAttempts { get; set; }

    public string LeaseOwner { get; set; } = string.Empty;

    public DateTime LeaseExpiresAt { get; set; }

    public ClaimedJob ToClaimedJob() => new(
        Id,
        SeriesId,
        ContentVersion,
        Route,
        Decoders,
        Outputs,
        Destinations,
        Attempt,
        MaxAttempts,
        LeaseOwner,
        new DateTimeOffset(DateTime.SpecifyKind(LeaseExpiresAt, DateTimeKind.Utc)));
}
