namespace ContinualSegment.Imaging.Evaluation;

/// <summary>Scores of one catalogue structure in one case.</summary>
public sealed record StructureScore(string Case, string Task, int Label, string Name, MaskScores Scores);
