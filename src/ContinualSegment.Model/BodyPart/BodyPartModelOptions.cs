namespace ContinualSegment.Model.BodyPart;

/// <summary>Settings of <see cref="BodyPartModelBuilder"/> (<c>cseg train bodypart</c>).</summary>
public sealed class BodyPartModelOptions
{
    /// <summary>Epochs of self-supervised training.</summary>
    public int Epochs { get; set; } = 30;

    /// <summary>Optimiser steps per epoch.</summary>
    public int StepsPerEpoch { get; set; } = 10;

    /// <summary>Seed of the weights and the slice draws.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>First-layer channel count of the regressor.</summary>
    public int Width { get; set; } = 8;

    /// <summary>Edge length (pixels) slices are resized to.</summary>
    public int SliceSize { get; set; } = BodyPartSlices.DefaultSize;

    /// <summary>Slice spacing (mm) the training volumes are resampled to along z; null = the plan's target z spacing.</summary>
    public double? SliceSpacingMm { get; set; }

    /// <summary>
    /// Edge (mm) of the fixed physical window slices are sampled into (<see cref="BodyPartSliceFormat"/>); null stretches
    /// each slice's own field of view to the square, as regressors before it did.
    /// </summary>
    public double? FieldOfViewMm { get; set; } = BodyPartSliceFormat.DefaultFieldOfViewMm;

    /// <summary>Margin (score units) added on both sides of every decoder's range.</summary>
    public double RangeMargin { get; set; } = 0.5;

    /// <summary>The training recipe (learning rate, draws per step, zoom, loss weights); its steps and seed are replaced by <see cref="Epochs"/> × <see cref="StepsPerEpoch"/> and <see cref="Seed"/>.</summary>
    public BodyPartTrainingOptions Training { get; set; } = new();

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (Epochs is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "must be in 1..100000");
        }

        if (StepsPerEpoch is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(StepsPerEpoch), StepsPerEpoch, "must be in 1..100000");
        }

        if (Width is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(Width), Width, "must be in 1..256");
        }

        if (SliceSize is < 16 or > 512)
        {
            throw new ArgumentOutOfRangeException(nameof(SliceSize), SliceSize, "must be in 16..512");
        }

        if (SliceSpacingMm is { } s && (!double.IsFinite(s) || s <= 0 || s > 50))
        {
            throw new ArgumentOutOfRangeException(nameof(SliceSpacingMm), s, "must be in (0, 50] mm");
        }

        if (!double.IsFinite(RangeMargin) || RangeMargin < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RangeMargin), RangeMargin, "must be ≥ 0");
        }

        if (FieldOfViewMm is { } f && (!double.IsFinite(f) || f is < 50 or > 2000))
        {
            throw new ArgumentOutOfRangeException(nameof(FieldOfViewMm), f, "must be in 50..2000 mm");
        }

        ArgumentNullException.ThrowIfNull(Training);
        Training.Validate();
    }
}
