namespace ContinualSegment.Node.Hosting;

/// <summary>What a node process does; several processes with different roles may share one database and storage root.</summary>
[Flags]
public enum NodeRole
{
    /// <summary>Nothing (not a valid configuration).</summary>
    None = 0,

    /// <summary>The DICOM listener: C-ECHO and C-STORE into storage.</summary>
    Ingest = 1,

    /// <summary>Claims segmentation jobs and runs them.</summary>
    Worker = 2,

    /// <summary>Sends results to their destinations.</summary>
    Export = 4,

    /// <summary>Scheduled work: series completion, expired leases, retention.</summary>
    Scheduler = 8,

    /// <summary>Every role (the default).</summary>
    All = Ingest | Worker | Export | Scheduler,
}
