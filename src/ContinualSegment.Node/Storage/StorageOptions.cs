namespace ContinualSegment.Node.Storage;

/// <summary>The <c>Storage</c> section: where received instances and results are kept.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Storage";

    /// <summary>The storage root (received instances under <c>instances/</c>, results under <c>results/</c>); shared by every node process.</summary>
    public string Root { get; set; } = ".cseg/storage";

    /// <summary>Below this much free space (MiB) on the storage root's file system new instances are refused with A700.</summary>
    public long LowWaterMarkMegabytes { get; set; } = 2048;

    /// <summary>Days received instances are kept after every delivery of their series succeeded; 0 keeps them.</summary>
    public int KeepInstancesDays { get; set; }

    /// <summary>Days results are kept after delivery; 0 keeps them.</summary>
    public int KeepResultsDays { get; set; }

    /// <summary>Days received instances of a series that was never segmented (no rule took it, a rule refused it) or whose job failed for good are kept; 0 keeps them.</summary>
    public int KeepUnprocessedDays { get; set; }
}
