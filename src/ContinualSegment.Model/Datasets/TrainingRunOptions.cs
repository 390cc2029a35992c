using ContinualSegment.Model.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Model.Datasets;

/// <summary>Settings of a dataset training run (<see cref="TrainingRunner"/>).</summary>
public sealed class TrainingRunOptions
{
    /// <summary>The share of cases held out for validation unless another is set.</summary>
    public const double DefaultValidationFraction = 0.2;

    /// <summary>Optimiser, schedule, epochs, batch size and seed.</summary>
    public TrainingOptions Training { get; set; } = new();

    /// <summary>Optimiser steps per epoch; fresh patches are drawn for every step.</summary>
    public int IterationsPerEpoch { get; set; } = 250;

    /// <summary>Share of patches centred on foreground.</summary>
    public double ForegroundFraction { get; set; } = 1.0 / 3;

    /// <summary>Augmentation of the training patches.</summary>
    public AugmentationOptions Augmentation { get; set; } = new();

    /// <summary>Share of cases held out for validation (0 = none).</summary>
    public double ValidationFraction { get; set; } = DefaultValidationFraction;

    /// <summary>Patches drawn (foreground-centred, fixed seed) per validation case.</summary>
    public int ValidationPatchesPerCase { get; set; } = 2;

    /// <summary>Where checkpoints go; null = <c>&lt;output&gt;/checkpoint</c>.</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Continue from the checkpoint when one exists.</summary>
    public bool Resume { get; set; }

    /// <summary>Keep the checkpoint files after the model was saved (default: they are removed).</summary>
    public bool KeepCheckpoint { get; set; }

    /// <summary>The decoder id for a base run whose plan has no decoder (default "base").</summary>
    public string? DecoderId { get; set; }

    /// <summary>The catalogue task of the new decoder; null = the task of the dataset's first class in the catalogue.</summary>
    public string? Task { get; set; }

    /// <summary>Deep supervision for a decoder created from the dataset.</summary>
    public bool DeepSupervision { get; set; }

    /// <summary>Base runs: replace the plan's CT normalisation with statistics of the training foreground.</summary>
    public bool ComputeNormalization { get; set; } = true;

    /// <summary>Optional body-part regressor weights; when set the decoder's body-part range is computed from its training labels.</summary>
    public string? BodyPartRegressorPath { get; set; }

    /// <summary>Margin added on both sides of the computed body-part range.</summary>
    public double BodyPartMargin { get; set; } = 0.5;

    /// <summary>
    /// How a continual step trains (<see cref="TrainingRunner.TrainContinualAsync"/>; base runs ignore it): the new decoder
    /// alone on the frozen encoder (default), or one of the baselines that retrain the encoder.
    /// </summary>
    public ContinualTrainingMode Mode { get; set; } = ContinualTrainingMode.Continual;

    /// <summary>The distillation temperature T of <see cref="ContinualTrainingMode.Lwf"/> steps.</summary>
    public double LwfTemperature { get; set; } = LwfDistillation.DefaultTemperature;

    /// <summary>The weight λ (≥ 0) of the distillation term of <see cref="ContinualTrainingMode.Lwf"/> steps.</summary>
    public double LwfWeight { get; set; } = LwfDistillation.DefaultWeight;

    /// <summary>Where training logs its epochs (besides the caller's progress reports).</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>The clock of the training record's time (when training finished).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Training, nameof(Training));
        ArgumentNullException.ThrowIfNull(Augmentation, nameof(Augmentation));
        Training.Validate();
        Augmentation.Validate();
        if (IterationsPerEpoch is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(IterationsPerEpoch), IterationsPerEpoch, "must be in 1..1000000");
        }

        if (!double.IsFinite(ForegroundFraction) || ForegroundFraction is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ForegroundFraction), ForegroundFraction, "must be in [0, 1]");
        }

        if (!double.IsFinite(ValidationFraction) || ValidationFraction is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "must be in [0, 1)");
        }

        if (ValidationPatchesPerCase is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationPatchesPerCase), ValidationPatchesPerCase, "must be in 1..1000");
        }

        if (!double.IsFinite(BodyPartMargin) || BodyPartMargin < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BodyPartMargin), BodyPartMargin, "must be ≥ 0");
        }

        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "unknown training mode");
        }

        LwfDistillation.Validate(LwfTemperature, LwfWeight);
    }
}
