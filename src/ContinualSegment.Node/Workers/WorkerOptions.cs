namespace ContinualSegment.Node.Workers;

/// <summary>The <c>Model</c> section: the model the workers load once per process.</summary>
public sealed class WorkerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Model";

    /// <summary>The model directory (plan.json, encoder, decoders).</summary>
    public string Directory { get; set; } = "models/default";

    /// <summary>The structure catalogue (organs-143.csv); empty: the one shipped beside the program.</summary>
    public string Catalogue { get; set; } = string.Empty;

    /// <summary>
    /// Whether each decoder runs only where the model's body-part regressor places the scan within the decoder's range
    /// (the default). Off, every enabled decoder runs on every slice: for scans the regressor misplaces.
    /// </summary>
    public bool BodyPartGating { get; set; } = true;

    /// <summary>Margin (body-part score units) added on both sides of every decoder's range.</summary>
    public double BodyPartMargin { get; set; } = 0.25;

    /// <summary>
    /// How many series a process with the ingest and worker roles keeps loaded ahead of their jobs (0: none). A series is
    /// loaded while it waits for its quiet period to end, so its job does not begin by reading it; each one held costs
    /// its volume in memory (about 300 MB for 512×512×300).
    /// </summary>
    public int PrefetchedSeries { get; set; } = 2;

    /// <summary>How long a series must have had no new instance before it is loaded ahead (less than the quiet period).</summary>
    public TimeSpan PrefetchAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a series loaded ahead is kept for its job before its memory is let go.</summary>
    public TimeSpan PrefetchKeep { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a worker waits for a job notification before looking again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
