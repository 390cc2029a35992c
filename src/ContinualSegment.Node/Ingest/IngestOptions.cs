namespace ContinualSegment.Node.Ingest;

/// <summary>The <c>Ingest</c> section: how received instances are committed.</summary>
public sealed class IngestOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Ingest";

    /// <summary>The most instances one group commit takes (instances from concurrent associations share one transaction).</summary>
    public int MaxGroupCommit { get; set; } = 64;
}
