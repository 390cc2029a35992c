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

    /// <summary>How long a worker waits for a job notification before looking again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
