namespace ContinualSegment.Cli.Experiment;

/// <summary>What the report says about itself.</summary>
/// <param name="Title">The heading of the report.</param>
/// <param name="Command">The command that ran the experiment, as given; null when not given.</param>
/// <param name="Machine">The machine it ran on, as given; null when not given.</param>
public sealed record ExperimentReportOptions(string Title, string? Command = null, string? Machine = null)
{
    /// <summary>The title when none is given.</summary>
    public const string DefaultTitle = "Continual segmentation: four methods on four tasks";
}
