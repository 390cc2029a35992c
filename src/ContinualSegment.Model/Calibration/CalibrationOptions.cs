using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Inference;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Model.Calibration;

/// <summary>Settings of <see cref="DecoderCalibrator"/>.</summary>
public sealed class CalibrationOptions
{
    /// <summary>The default number of voxels kept per validation case.</summary>
    public const int DefaultVoxelsPerCase = 20_000;

    /// <summary>
    /// The share of cases training held out for validation; null = <see cref="TrainingRunOptions.DefaultValidationFraction"/>.
    /// Must be what the decoder was trained with, so that the validation cases are the same.
    /// </summary>
    public double? ValidationFraction { get; set; }

    /// <summary>
    /// The seed training split the dataset with (<c>cseg train --seed</c>); null = the seed the decoder's training record or
    /// package provenance names, else <see cref="Training.TrainingOptions.DefaultSeed"/>.
    /// </summary>
    public int? SplitSeed { get; set; }

    /// <summary>Voxels kept per validation case (stratified by true class, weighted back to the whole volume).</summary>
    public int VoxelsPerCase { get; set; } = DefaultVoxelsPerCase;

    /// <summary>Seed of the voxel sample.</summary>
    public int SampleSeed { get; set; } = 1;

    /// <summary>The lowest temperature searched.</summary>
    public double MinTemperature { get; set; } = TemperatureScaling.DefaultMinTemperature;

    /// <summary>The highest temperature searched.</summary>
    public double MaxTemperature { get; set; } = TemperatureScaling.DefaultMaxTemperature;

    /// <summary>Confidence bins of the expected calibration error.</summary>
    public int Bins { get; set; } = TemperatureScaling.DefaultBins;

    /// <summary>Model-grid slices predicted at a time (each with half a patch of context on both sides, as in the pipeline); bounds memory.</summary>
    public int ChunkDepth { get; set; } = 64;

    /// <summary>
    /// Sliding-window settings. The default is the pipeline's window with float32 accumulation, so that small
    /// probabilities of the true class keep their value in the likelihood.
    /// </summary>
    public SlidingWindowOptions SlidingWindow { get; set; } = new();

    /// <summary>Where calibration logs.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (ValidationFraction is { } f && (!double.IsFinite(f) || f <= 0 || f >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), f, "the validation fraction must be in (0, 1): calibration needs validation cases");
        }

        if (VoxelsPerCase is < 1_000 or > 10_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(VoxelsPerCase), VoxelsPerCase, "voxels per case must be in 1000..10000000");
        }

        TemperatureScaling.CheckBounds(MinTemperature, MaxTemperature);
        if (Bins is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(Bins), Bins, "bins must be in 1..1000");
        }

        if (ChunkDepth is < 1 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkDepth), ChunkDepth, "chunk depth must be in 1..4096");
        }

        ArgumentNullException.ThrowIfNull(SlidingWindow, nameof(SlidingWindow));
        SlidingWindow.Validate();
        ArgumentNullException.ThrowIfNull(LoggerFactory, nameof(LoggerFactory));
    }
}
