namespace ContinualSegment.Cli.Experiment;

/// <summary>The scores of one task in one evaluation file written by <c>cseg evaluate</c>.</summary>
/// <param name="Task">The task scored.</param>
/// <param name="File">The evaluation file, relative to the experiment's working directory.</param>
/// <param name="Cases">Distinct cases scored.</param>
/// <param name="Structures">Scored (case, structure) pairs.</param>
/// <param name="Dice">Mean Dice (see <see cref="DiceFromSummary"/>); null when no structure has a Dice.</param>
/// <param name="DiceFromSummary">
/// True when <paramref name="Dice"/>, <paramref name="Hd95Mm"/> and <paramref name="SurfaceDice"/> are the task means the
/// file's own summary holds (<c>tasks[].mean_*</c>: the mean over every scored case and structure); false when the file
/// has no summary of the task and they are computed from its structures: Dice and surface Dice as the mean over cases
/// of each case's mean over its structures, HD95 as the mean of every finite value.
/// </param>
/// <param name="Hd95Mm">Mean HD95 in millimetres over the structures whose HD95 is finite; null when none is.</param>
/// <param name="Hd95Undefined">Structures whose HD95 is infinite or undefined (null in the file: one mask empty).</param>
/// <param name="TolerancesMm">The surface-Dice tolerances, in millimetres.</param>
/// <param name="SurfaceDice">Mean normalised surface Dice at each tolerance; null where undefined.</param>
public sealed record TaskScores(
    string Task,
    string File,
    int Cases,
    int Structures,
    double? Dice,
    bool DiceFromSummary,
    double? Hd95Mm,
    int Hd95Undefined,
    IReadOnlyList<double> TolerancesMm,
    IReadOnlyList<double?> SurfaceDice);
