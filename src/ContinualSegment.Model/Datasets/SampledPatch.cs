namespace ContinualSegment.Model.Datasets;

/// <summary>A patch cut from a <see cref="PreprocessedCase"/>.</summary>
/// <param name="CaseId">The case it came from.</param>
/// <param name="Image">Intensities [C, D, H, W] (patch size), padded with the case minimum.</param>
/// <param name="Labels">Labels [D, H, W], padded with 0.</param>
/// <param name="Start">Patch origin in case voxels (z, y, x); may be negative (padding).</param>
/// <param name="ForcedForeground">Whether the patch was centred on a foreground voxel on purpose.</param>
public sealed record SampledPatch(string CaseId, float[] Image, ushort[] Labels, IReadOnlyList<int> Start, bool ForcedForeground);
