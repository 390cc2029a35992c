namespace ContinualSegment.Node.Queue;

/// <summary>The <c>Queue</c> section: leases, attempts and retries of jobs.</summary>
public sealed class QueueOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Queue";

    /// <summary>How long a claim holds a job without a heartbeat.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a worker renews its lease (well below <see cref="LeaseDuration"/>).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Attempts before a job goes to the dead letter.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Wait before the first retry of a failed attempt; doubled for each further attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
