namespace ContinualSegment.Phantom;

/// <summary>Image-formation settings of the phantom generator.</summary>
public sealed record PhantomGeneratorOptions
{
    /// <summary>In-plane matrix (columns = rows); the pixel spacing is the drawn field of view over this size.</summary>
    public int InPlaneSize { get; init; } = 256;

    /// <summary>Slice spacing is drawn from {1.5, 2.0, 2.5, 3.0} mm within [Min, Max] unless <see cref="SliceSpacingMm"/> is set.</summary>
    public double MinSliceSpacingMm { get; init; } = 1.5;

    public double MaxSliceSpacingMm { get; init; } = 3.0;

    /// <summary>A fixed slice spacing (mm), overriding the drawn one.</summary>
    public double? SliceSpacingMm { get; init; }

    /// <summary>Supersample boundary voxels (2×2×2) for partial-volume CT numbers.</summary>
    public bool PartialVolume { get; init; } = true;

    /// <summary>Add mild streaks through slices with much dense bone (shoulders, pelvis).</summary>
    public bool Streaks { get; init; } = true;

    /// <summary>Add correlated Gaussian noise.</summary>
    public bool Noise { get; init; } = true;

    /// <summary>Threads used inside one case (slice-parallel; the result does not depend on it).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    public void Validate()
    {
        if (InPlaneSize < 16 || InPlaneSize > 2048)
        {
            throw new ArgumentOutOfRangeException(nameof(InPlaneSize), InPlaneSize, "In-plane size must be 16..2048.");
        }

        if (!(MinSliceSpacingMm > 0) || MaxSliceSpacingMm < MinSliceSpacingMm || MaxSliceSpacingMm > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(MinSliceSpacingMm), "Slice spacing range must satisfy 0 < min ≤ max ≤ 20 mm.");
        }

        if (SliceSpacingMm is double d && (!(d >= 0.3) || d > 20))
        {
            throw new ArgumentOutOfRangeException(nameof(SliceSpacingMm), d, "Slice spacing must be 0.3..20 mm.");
        }

        if (MaxDegreeOfParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "Must be at least 1.");
        }
    }
}
