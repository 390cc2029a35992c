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

    /// <summary>How long a worker waits for a job notification before looking again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
