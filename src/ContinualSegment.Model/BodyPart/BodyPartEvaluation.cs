namespace ContinualSegment.Model.BodyPart;

/// <summary>
/// How well a body-part regressor orders held-out scans and what the gate makes of them.
/// </summary>
/// <param name="PooledSpearman">
/// Spearman's ρ between every slice's score and its position along the body (world z), over the slices of all
/// scans together: 1 when one score means one height in every scan, whatever the scan's field of view.
/// </param>
/// <param name="MeanScanSpearman">Mean over the scans of ρ within each scan (how well each scan alone is ordered).</param>
/// <param name="Scans">Per scan: its scores and, per decoder, whether the gate runs it and on how many slices.</param>
public sealed record BodyPartEvaluation(double PooledSpearman, double MeanScanSpearman, IReadOnlyList<BodyPartScanEvaluation> Scans);
