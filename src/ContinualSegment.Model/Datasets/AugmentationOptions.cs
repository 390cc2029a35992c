namespace ContinualSegment.Model.Datasets;

/// <summary>Probabilities and ranges of the training augmentations (each is drawn per patch).</summary>
public sealed class AugmentationOptions
{
    /// <summary>Probability of a rotation about the z axis.</summary>
    public double RotationProbability { get; set; } = 0.2;

    /// <summary>Largest rotation angle (degrees, either direction).</summary>
    public double MaxRotationDegrees { get; set; } = 15;

    /// <summary>Probability of an isotropic scaling.</summary>
    public double ScaleProbability { get; set; } = 0.2;

    /// <summary>Smallest scale factor (&gt; 1 enlarges the content).</summary>
    public double MinScale { get; set; } = 0.85;

    /// <summary>Largest scale factor.</summary>
    public double MaxScale { get; set; } = 1.25;

    /// <summary>Probability of a smooth random displacement ("elastic-lite"); 0 disables it.</summary>
    public double ElasticProbability { get; set; }

    /// <summary>Largest displacement as a fraction of the patch half-size.</summary>
    public double ElasticMagnitude { get; set; } = 0.05;

    /// <summary>Control points per axis of the displacement field.</summary>
    public int ElasticControlPoints { get; set; } = 4;

    /// <summary>Probability of a brightness (multiplicative) change.</summary>
    public double BrightnessProbability { get; set; } = 0.15;

    /// <summary>Probability of a contrast change (around the patch mean, range preserved).</summary>
    public double ContrastProbability { get; set; } = 0.15;

    /// <summary>Range of the brightness and contrast factors (1 ± this).</summary>
    public double IntensityFactorSpread { get; set; } = 0.25;

    /// <summary>Probability of a gamma transform (on the patch rescaled to [0, 1]).</summary>
    public double GammaProbability { get; set; } = 0.3;

    /// <summary>Smallest gamma.</summary>
    public double MinGamma { get; set; } = 0.7;

    /// <summary>Largest gamma.</summary>
    public double MaxGamma { get; set; } = 1.5;

    /// <summary>Probability of additive Gaussian noise.</summary>
    public double NoiseProbability { get; set; } = 0.1;

    /// <summary>Largest noise standard deviation.</summary>
    public double MaxNoiseStd { get; set; } = 0.1;

    /// <summary>Probability of mirroring each spatial axis.</summary>
    public double MirrorProbability { get; set; } = 0.5;

    /// <summary>No augmentation at all.</summary>
    public static AugmentationOptions None => new()
    {
        RotationProbability = 0,
        ScaleProbability = 0,
        ElasticProbability = 0,
        BrightnessProbability = 0,
        ContrastProbability = 0,
        GammaProbability = 0,
        NoiseProbability = 0,
        MirrorProbability = 0,
    };

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        foreach (var (name, p) in new[]
        {
            (nameof(RotationProbability), RotationProbability), (nameof(ScaleProbability), ScaleProbability),
            (nameof(ElasticProbability), ElasticProbability), (nameof(BrightnessProbability), BrightnessProbability),
            (nameof(ContrastProbability), ContrastProbability), (nameof(GammaProbability), GammaProbability),
            (nameof(NoiseProbability), NoiseProbability), (nameof(MirrorProbability), MirrorProbability),
        })
        {
            if (!double.IsFinite(p) || p is < 0 or > 1)
            {
                throw new ArgumentOutOfRangeException(name, p, "a probability must be in [0, 1]");
            }
        }

        if (!double.IsFinite(MaxRotationDegrees) || MaxRotationDegrees is < 0 or > 180)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRotationDegrees), MaxRotationDegrees, "must be in [0, 180]");
        }

        if (!double.IsFinite(MinScale) || !double.IsFinite(MaxScale) || MinScale <= 0 || MaxScale < MinScale || MaxScale > 4)
        {
            throw new ArgumentOutOfRangeException(nameof(MinScale), "scales must satisfy 0 < min ≤ max ≤ 4");
        }

        if (!double.IsFinite(ElasticMagnitude) || ElasticMagnitude is < 0 or > 0.5 || ElasticControlPoints is < 2 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(ElasticMagnitude), "elastic magnitude must be in [0, 0.5] and control points in 2..16");
        }

        if (!double.IsFinite(IntensityFactorSpread) || IntensityFactorSpread is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(IntensityFactorSpread), IntensityFactorSpread, "must be in [0, 1)");
        }

        if (!double.IsFinite(MinGamma) || !double.IsFinite(MaxGamma) || MinGamma <= 0 || MaxGamma < MinGamma || MaxGamma > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(MinGamma), "gammas must satisfy 0 < min ≤ max ≤ 10");
        }

        if (!double.IsFinite(MaxNoiseStd) || MaxNoiseStd is < 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxNoiseStd), MaxNoiseStd, "must be in [0, 10]");
        }
    }
}
