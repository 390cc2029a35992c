namespace ContinualSegment.Node.Ingest;

/// <summary>The <c>Ingest</c> section: what is accepted and how received instances are committed.</summary>
public sealed class IngestOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Ingest";

    /// <summary>The most instances one group commit takes (instances from concurrent associations share one transaction).</summary>
    public int MaxGroupCommit { get; set; } = 64;

    /// <summary>Accept and keep instances of storage classes other than CT Image and Enhanced CT Image (never segmented).</summary>
    public bool StoreOtherStorageClasses { get; set; } = true;

    /// <summary>Flush each instance file and its directory before answering success (leave on: a success must survive a power cut).</summary>
    public bool Fsync { get; set; } = true;
}
