using ContinualSegment.Imaging;

namespace ContinualSegment.Model.Pipeline;

/// <summary>The outcome of one <see cref="SegmentationPipeline.Run"/>.</summary>
/// <param name="Labels">The label map on the input's grid; values are catalogue global indices (1–143), 0 = background.</param>
/// <param name="ModelGridSize">The model grid the networks ran on (x, y, z).</param>
/// <param name="ModelGridSpacing">Its spacing (mm, x, y, z).</param>
/// <param name="SliceScores">Body-part score per model-grid slice (empty without a body-part model).</param>
/// <param name="Decisions">One entry per decoder of the model directory, loaded or not.</param>
/// <param name="Timings">Wall-clock seconds per phase, in order.</param>
public sealed record SegmentationResult(
    Volume<ushort> Labels,
    (int X, int Y, int Z) ModelGridSize,
    (double X, double Y, double Z) ModelGridSpacing,
    IReadOnlyList<double> SliceScores,
    IReadOnlyList<DecoderDecision> Decisions,
    IReadOnlyList<PhaseTiming> Timings)
{
    /// <summary>
    /// Where structures lie beneath the structure <see cref="Labels"/> shows (on its grid, catalogue values): an organ
    /// under its lesion, the brain under the brainstem. Empty when nothing overlaps.
    /// </summary>
    public StructureOverlaps? Overlaps { get; init; }
}
