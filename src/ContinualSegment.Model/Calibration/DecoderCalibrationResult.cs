using ContinualSegment.Model.Packages;

namespace ContinualSegment.Model.Calibration;

/// <summary>The temperature fitted for one decoder on its validation cases, with the scores before and after.</summary>
public sealed record DecoderCalibrationResult
{
    /// <summary>The decoder.</summary>
    public required string DecoderId { get; init; }

    /// <summary>Trained into the model (the temperature is stored in <c>plan.json</c>) or installed from a package.</summary>
    public required DecoderOrigin Origin { get; init; }

    /// <summary>The temperature the model holds for it now.</summary>
    public required double PreviousTemperature { get; init; }

    /// <summary>The fitted temperature.</summary>
    public required double Temperature { get; init; }

    /// <summary>True when the likelihood kept falling towards a search bound, which was returned.</summary>
    public required bool AtBound { get; init; }

    /// <summary>Scores without calibration (T = 1).</summary>
    public required CalibrationScore Before { get; init; }

    /// <summary>Scores at the fitted temperature.</summary>
    public required CalibrationScore After { get; init; }

    /// <summary>Scores without calibration over the foreground samples (true or arg-max class not background); null when there are none.</summary>
    public CalibrationScore? ForegroundBefore { get; init; }

    /// <summary>Scores at the fitted temperature over the foreground samples; null when there are none.</summary>
    public CalibrationScore? ForegroundAfter { get; init; }

    /// <summary>Voxels sampled and used.</summary>
    public required int Voxels { get; init; }

    /// <summary>Of <see cref="Voxels"/>, those whose true or arg-max class is not background.</summary>
    public int ForegroundVoxels { get; init; }

    /// <summary>Voxels of the validation cases on the model grid (what the weighted sample stands for).</summary>
    public required long VoxelsRepresented { get; init; }

    /// <summary>Whole-volume Dice of each class the validation cases contain (arg-max against the truth over all their voxels), by class name.</summary>
    public required IReadOnlyDictionary<string, double> ValidationDice { get; init; }

    /// <summary>The validation cases, in split order.</summary>
    public required IReadOnlyList<string> ValidationCases { get; init; }

    /// <summary>The validation fraction of the split.</summary>
    public required double ValidationFraction { get; init; }

    /// <summary>The seed of the split.</summary>
    public required int SplitSeed { get; init; }

    /// <summary>Things the caller should know (e.g. the dataset's name differs from the one training recorded).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
