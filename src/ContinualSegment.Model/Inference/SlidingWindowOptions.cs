namespace ContinualSegment.Model.Inference;

/// <summary>Settings of sliding-window inference.</summary>
public sealed class SlidingWindowOptions
{
    /// <summary>Step between windows as a fraction of the patch size (0.5 = 50 % overlap).</summary>
    public double StepFraction { get; set; } = 0.5;

    /// <summary>Weight each window with a Gaussian importance map (otherwise uniformly).</summary>
    public bool UseGaussian { get; set; } = true;

    /// <summary>σ of the Gaussian as a fraction of the patch size.</summary>
    public double SigmaScale { get; set; } = 0.125;

    /// <summary>Test-time augmentation: also predict every flip over <see cref="MirrorAxes"/> and average.</summary>
    public bool Mirroring { get; set; }

    /// <summary>Spatial axes (0 = z, 1 = y, 2 = x) mirrored when <see cref="Mirroring"/> is on.</summary>
    public IReadOnlyList<int> MirrorAxes { get; set; } = [0, 1, 2];

    /// <summary>
    /// Accumulate (and return) probabilities as float16 instead of float32: half the memory, about
    /// three significant digits. The importance map is then floored at <see cref="HalfImportanceFloor"/>
    /// so that weighted probabilities stay representable.
    /// </summary>
    public bool AccumulateInHalf { get; set; }

    /// <summary>
    /// Lowest importance weight (relative to the centre's 1). 0 keeps the Gaussian as it is (only
    /// zeros are lifted to the smallest positive weight).
    /// </summary>
    public double ImportanceFloor { get; set; }

    /// <summary>The floor <see cref="AccumulateInHalf"/> enforces at least.</summary>
    public const double HalfImportanceFloor = 1e-3;

    /// <summary>Windows per forward pass.</summary>
    public int BatchSize { get; set; } = 2;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (!double.IsFinite(StepFraction) || StepFraction <= 0 || StepFraction > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(StepFraction), StepFraction, "step fraction must be in (0, 1]");
        }

        if (!double.IsFinite(SigmaScale) || SigmaScale <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(SigmaScale), SigmaScale, "sigma scale must be positive");
        }

        if (!double.IsFinite(ImportanceFloor) || ImportanceFloor is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ImportanceFloor), ImportanceFloor, "importance floor must be in [0, 1]");
        }

        if (BatchSize is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size must be in 1..256");
        }

        if (MirrorAxes is null || MirrorAxes.Any(a => a is < 0 or > 2) || MirrorAxes.Distinct().Count() != MirrorAxes.Count)
        {
            throw new ArgumentException("mirror axes must be distinct values of 0, 1, 2", nameof(MirrorAxes));
        }
    }
}
