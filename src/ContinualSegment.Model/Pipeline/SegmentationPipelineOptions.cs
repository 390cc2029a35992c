using ContinualSegment.Model.Inference;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Model.Pipeline;

/// <summary>Settings of <see cref="SegmentationPipeline"/>.</summary>
public sealed class SegmentationPipelineOptions
{
    /// <summary>
    /// Whether decoders run only where the body-part regressor places the scan within their range (the default). Off,
    /// every enabled decoder runs on every slice and the scores are still computed and reported: for measuring what
    /// gating saves, and for scans the regressor misplaces.
    /// </summary>
    public bool BodyPartGating { get; set; } = true;

    /// <summary>Extra margin (score units) added on both sides of every decoder's body-part range.</summary>
    public double BodyPartMargin { get; set; } = 0.25;

    /// <summary>
    /// Model-grid slices predicted and merged per chunk; each chunk is predicted with half a patch of context
    /// on both sides. Bounds memory: probabilities exist for one chunk at a time.
    /// </summary>
    public int ChunkDepth { get; set; } = 64;

    /// <summary>Slices per slab in the merge.</summary>
    public int MergeSlabDepth { get; set; } = 4;

    /// <summary>Sliding-window settings (probabilities are accumulated in float16 by default to halve memory).</summary>
    public SlidingWindowOptions SlidingWindow { get; set; } = new() { AccumulateInHalf = true };

    /// <summary>Where the pipeline logs (model load, decoders not loaded).</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (!double.IsFinite(BodyPartMargin) || BodyPartMargin < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BodyPartMargin), BodyPartMargin, "must be ≥ 0");
        }

        if (ChunkDepth is < 1 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkDepth), ChunkDepth, "must be in 1..4096");
        }

        if (MergeSlabDepth is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MergeSlabDepth), MergeSlabDepth, "must be in 1..1024");
        }

        ArgumentNullException.ThrowIfNull(SlidingWindow);
        SlidingWindow.Validate();
    }
}
