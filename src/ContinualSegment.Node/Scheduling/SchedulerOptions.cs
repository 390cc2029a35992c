namespace ContinualSegment.Node.Scheduling;

/// <summary>The <c>Scheduler</c> section: how often the scheduled work runs.</summary>
public sealed class SchedulerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Scheduler";

    /// <summary>How often quiet series are completed and expired leases put back.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the retention clean-up (Storage:Keep…Days) runs.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often each process tells the cluster it is alive; a process silent for longer is considered gone and its scheduled work recovered by another.</summary>
    public TimeSpan ClusterCheckInInterval { get; set; } = TimeSpan.FromSeconds(10);
}
