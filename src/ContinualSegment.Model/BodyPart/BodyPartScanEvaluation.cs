namespace ContinualSegment.Model.BodyPart;

/// <summary>One held-out scan in a <see cref="BodyPartEvaluation"/>.</summary>
/// <param name="Dataset">The dataset's task (or directory name when its classes are not in the catalogue).</param>
/// <param name="CaseId">The case.</param>
/// <param name="Slices">Slices scored (at the regressor's slice spacing).</param>
/// <param name="ScoreMin">Lowest (smoothed, monotonic) score.</param>
/// <param name="ScoreMax">Highest (smoothed, monotonic) score.</param>
/// <param name="Spearman">ρ between the raw scores and world z within this scan.</param>
/// <param name="Decoders">Per decoder of the model: the fraction of slices the gate trusts it on (0 = skipped).</param>
public sealed record BodyPartScanEvaluation(
    string Dataset,
    string CaseId,
    int Slices,
    double ScoreMin,
    double ScoreMax,
    double Spearman,
    IReadOnlyDictionary<string, double> Decoders);
