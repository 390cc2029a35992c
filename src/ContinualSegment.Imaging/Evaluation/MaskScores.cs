namespace ContinualSegment.Imaging.Evaluation;

/// <summary>Metrics of one structure: Dice, HD95 (mm, NaN when undefined), normalised surface Dice per tolerance.</summary>
public sealed record MaskScores(double Dice, double Hd95Mm, IReadOnlyList<double> SurfaceDice, long TruthVoxels, long PredictionVoxels);
