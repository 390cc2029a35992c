using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Packages;

/// <summary>A decoder of a model directory, trained into the model or installed from a package.</summary>
public sealed record InstalledDecoder
{
    /// <summary>The version a decoder trained into the model counts as.</summary>
    public const string ModelDecoderVersion = "1.0.0";

    /// <summary>The decoder id.</summary>
    public required string Id { get; init; }

    /// <summary>The folder it is installed in (a package's folder; the model's <c>decoders/</c> folder for a decoder of the plan).</summary>
    public required string Directory { get; init; }

    /// <summary>Whether it is enabled.</summary>
    public required bool Enabled { get; init; }

    /// <summary>Trained into the model or installed from a package.</summary>
    public DecoderOrigin Origin { get; init; } = DecoderOrigin.Package;

    /// <summary>Its manifest (packages), or null for a decoder of the plan or when <see cref="Problem"/> says why it could not be read.</summary>
    public DecoderManifest? Manifest { get; init; }

    /// <summary>Its plan entry (decoders trained into the model), or null.</summary>
    public DecoderPlan? Plan { get; init; }

    /// <summary>What training recorded about a decoder of the plan (provenance, metrics), or null.</summary>
    public DecoderRecord? Record { get; init; }

    /// <summary>Its weights file, or null when unknown.</summary>
    public string? WeightsPath { get; init; }

    /// <summary>Why the decoder is unusable, or null.</summary>
    public string? Problem { get; init; }

    /// <summary>The version, or an empty string when unknown.</summary>
    public string Version => Origin == DecoderOrigin.Model ? ModelDecoderVersion : Manifest?.Version ?? string.Empty;

    /// <summary>The task, or an empty string when unknown.</summary>
    public string Task => Plan?.Task ?? Manifest?.Task ?? string.Empty;

    /// <summary>The number of classes (0 when unknown).</summary>
    public int ClassCount => Plan?.Classes.Count ?? Manifest?.Classes.Count ?? 0;

    /// <summary>The provenance, or null when it is not known.</summary>
    public TrainingProvenance? Provenance => Record?.Provenance ?? Manifest?.Provenance;

    /// <summary>The validation metrics (empty when unknown).</summary>
    public IReadOnlyDictionary<string, double> Metrics => Record?.Metrics ?? Manifest?.Metrics ?? new Dictionary<string, double>();

    /// <summary>
    /// Its plan entry as a <see cref="Networks.DecoderBank"/> takes it, for an encoder of <paramref name="encoderStages"/> stages:
    /// a decoder of the plan as the plan has it; a package's plan fragment from its manifest, with the package's id, encoder
    /// fingerprint, body-part range and calibration temperature (the manifest's values, not the fragment's).
    /// </summary>
    /// <exception cref="ModelPlanException">Its manifest cannot be read, or its plan fragment does not fit the encoder.</exception>
    public DecoderPlan ToDecoderPlan(int encoderStages)
    {
        if (Plan is { } plan)
        {
            return plan;
        }

        if (Manifest is not { } manifest)
        {
            throw new ModelPlanException($"decoder '{Id}': {Problem ?? "its manifest cannot be read"}");
        }

        return ModelPlanSerializer.ParseDecoder(manifest.Plan.GetRawText(), encoderStages) with
        {
            Id = Id,
            EncoderFingerprint = manifest.EncoderFingerprint,
            BodyPartRange = new BodyPartRange { Min = manifest.BodyPartRange.Min, Max = manifest.BodyPartRange.Max },
            Temperature = manifest.CalibrationTemperature,
        };
    }
}
