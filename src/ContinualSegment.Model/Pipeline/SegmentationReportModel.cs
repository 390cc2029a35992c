namespace ContinualSegment.Model.Pipeline;

/// <summary>The model of a segmentation, in its report.</summary>
/// <param name="Directory">The model directory.</param>
/// <param name="EncoderFingerprint">The encoder's fingerprint.</param>
/// <param name="TargetSpacingMm">The plan's target spacing (z, y, x).</param>
/// <param name="PatchSize">The plan's patch size (z, y, x).</param>
/// <param name="BodyPartModel">Whether a body-part model gated the decoders.</param>
/// <param name="ModelGridSize">The model grid (x, y, z).</param>
/// <param name="SliceScoreRange">Lowest and highest body-part score of the scan's slices (null without a body-part model).</param>
public sealed record SegmentationReportModel(
    string Directory,
    string EncoderFingerprint,
    IReadOnlyList<double> TargetSpacingMm,
    IReadOnlyList<int> PatchSize,
    bool BodyPartModel,
    IReadOnlyList<int> ModelGridSize,
    IReadOnlyList<double>? SliceScoreRange);
