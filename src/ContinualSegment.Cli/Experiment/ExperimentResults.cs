namespace ContinualSegment.Cli.Experiment;

/// <summary>Everything an experiment's working directory holds so far, and what it lacks.</summary>
/// <param name="Work">The working directory (full path).</param>
/// <param name="Methods">Per method, in the order of <see cref="ExperimentLayout.Methods"/>.</param>
/// <param name="Claims">The derived numbers with their goals.</param>
/// <param name="Evaluations">Evaluation files read.</param>
/// <param name="ExpectedEvaluations">Evaluation files a complete experiment has.</param>
/// <param name="Missing">What a complete experiment has and this one lacks, relative to <paramref name="Work"/>.</param>
public sealed record ExperimentResults(
    string Work,
    IReadOnlyList<MethodResults> Methods,
    IReadOnlyList<ExperimentClaim> Claims,
    int Evaluations,
    int ExpectedEvaluations,
    IReadOnlyList<string> Missing)
{
    /// <summary>The inference-time comparison, when the experiment has run it.</summary>
    public ExperimentTiming? Timing { get; init; }

    /// <summary>The body-part gating measurements, when the experiment has run its gating step.</summary>
    public ExperimentGating? Gating { get; init; }

    /// <summary>The overlapping label sets' measurements, when the experiment has run its overlaps step.</summary>
    public ExperimentOverlaps? Overlaps { get; init; }

    /// <summary>The tasks whose decoder's trimming left its search table (<see cref="ExperimentLayout.TrimTable"/>).</summary>
    public IReadOnlyList<string> TrimTables { get; init; } = [];

    /// <summary>The wall time of the steps, when the run recorded it.</summary>
    public ExperimentDurations? Durations { get; init; }
}
