namespace ContinualSegment.Imaging.Evaluation;

/// <summary>Means over the scored structures of one task (HD95 mean over defined values only).</summary>
public sealed record TaskSummary(string Task, int Structures, double MeanDice, double MeanHd95Mm, IReadOnlyList<double> MeanSurfaceDice);
