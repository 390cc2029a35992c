using ContinualSegment.Dicom.IO;
using ContinualSegment.Model.BodyPart;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Persistence;

/// <summary>
/// A model directory: <c>plan.json</c>, <c>encoder.bin</c> and <c>decoders/&lt;id&gt;.bin</c>
/// (TorchSharp state-dict files, one per component). Every decoder records the fingerprint of the
/// encoder it was trained on and is refused with any other encoder. The one exception is a step of a
/// baseline that retrains the encoder (<see cref="AppendDecoderWithRetrainedEncoder"/>): it re-stamps the
/// earlier decoders with the new encoder, and the training records beside them say so.
/// </summary>
public static class ModelStore
{
    /// <summary>The plan file name.</summary>
    public const string PlanFileName = "plan.json";

    /// <summary>The encoder weights file name.</summary>
    public const string EncoderFileName = "encoder.bin";

    /// <summary>The folder of decoder weights files.</summary>
    public const string DecoderFolderName = "decoders";

    /// <summary>The body-part regressor weights file name (described by the plan's optional <c>bodyPart</c> section).</summary>
    public const string BodyPartFileName = "bodypart.bin";

    /// <summary>
    /// Writes the bank's weights and the plan (stamped with the encoder's fingerprint) to
    /// <paramref name="directory"/>. Every decoder of the plan must exist in the bank.
    /// </summary>
    /// <returns>The plan as written.</returns>
    public static ModelPlan Save(DecoderBank bank, ModelPlan plan, string directory)
    {
        ArgumentNullException.ThrowIfNull(bank);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var fingerprint = ModelFingerprint.Compute(bank.Encoder);
        if (plan.EncoderFingerprint.Length > 0 && !string.Equals(plan.EncoderFingerprint, fingerprint, StringComparison.Ordinal))
        {
            throw new ModelPlanException($"the plan says the encoder is {Short(plan.EncoderFingerprint)} but the bank's encoder is {Short(fingerprint)}; the encoder must not change once decoders depend on it");
        }

        var decoders = new List<DecoderPlan>();
        foreach (var d in plan.Decoders)
        {
            _ = bank.GetDecoder(d.Id);
            if (d.EncoderFingerprint.Length > 0 && !string.Equals(d.EncoderFingerprint, fingerprint, StringComparison.Ordinal))
            {
                throw new ModelPlanException($"decoder '{d.Id}' was trained on encoder {Short(d.EncoderFingerprint)}, not on this encoder {Short(fingerprint)}");
            }

            decoders.Add(d with { EncoderFingerprint = fingerprint });
        }

        var stamped = plan with { EncoderFingerprint = fingerprint, Decoders = decoders };
        ModelPlanSerializer.Validate(stamped);
        Directory.CreateDirectory(Path.Combine(directory, DecoderFolderName));
        DurableFile.ReplaceFromPath(Path.Combine(directory, EncoderFileName), temporary => bank.Encoder.save(temporary));
        foreach (var d in decoders)
        {
            DurableFile.ReplaceFromPath(DecoderPath(directory, d.Id), temporary => bank.GetDecoder(d.Id).save(temporary));
        }

        ModelPlanSerializer.Save(stamped, Path.Combine(directory, PlanFileName));
        return stamped;
    }

    /// <summary>
    /// A continual step's save: writes only decoder <paramref name="decoderId"/> of <paramref name="bank"/>
    /// into the existing model <paramref name="directory"/> and appends it to the plan. The encoder and the
    /// earlier decoders' files are not rewritten; the bank's encoder must be the directory's encoder.
    /// </summary>
    /// <returns>The plan as written.</returns>
    public static ModelPlan AppendDecoder(string directory, DecoderBank bank, string decoderId)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(bank);
        var planPath = Path.Combine(directory, PlanFileName);
        var plan = ModelPlanSerializer.Load(planPath);
        var decoder = bank.GetDecoder(decoderId);
        if (plan.FindDecoder(decoderId) is not null)
        {
            throw new ModelPlanException($"{planPath} already has a decoder '{decoderId}'");
        }

        var fingerprint = ModelFingerprint.Compute(bank.Encoder);
        if (!string.Equals(fingerprint, plan.EncoderFingerprint, StringComparison.Ordinal))
        {
            throw new ModelPlanException($"decoder '{decoderId}' was trained on encoder {Short(fingerprint)}, but {directory} holds encoder {Short(plan.EncoderFingerprint)}");
        }

        var entry = decoder.Plan with { EncoderFingerprint = fingerprint };
        var updated = plan with { Decoders = [.. plan.Decoders, entry] };
        ModelPlanSerializer.Validate(updated);
        Directory.CreateDirectory(Path.Combine(directory, DecoderFolderName));
        DurableFile.ReplaceFromPath(DecoderPath(directory, decoderId), temporary => decoder.save(temporary));
        ModelPlanSerializer.Save(updated, planPath);
        return updated;
    }

    /// <summary>
    /// The save of a continual step that retrained the encoder (the fine-tuning and Learning-without-Forgetting
    /// baselines): writes the bank's encoder, the earlier decoders <paramref name="retrainedDecoders"/> the step trained
    /// too, and decoder <paramref name="decoderId"/>, which is appended to the plan. Every decoder of the plan is stamped
    /// with the new encoder's fingerprint so that the model loads: the earlier decoders not retrained keep their files but
    /// now sit on an encoder they were not trained on, which is what such a step does and what the caller records beside
    /// them (<see cref="Packages.DecoderRecord.EncoderRetrained"/>). The weights files are written first and the plan
    /// last: an interrupted save leaves an encoder the plan does not name, which <see cref="Load(string)"/> refuses.
    /// </summary>
    /// <returns>The plan as written.</returns>
    /// <exception cref="ModelPlanException">The plan already has <paramref name="decoderId"/>, or a retrained decoder is not in it.</exception>
    public static ModelPlan AppendDecoderWithRetrainedEncoder(string directory, DecoderBank bank, string decoderId, IReadOnlyCollection<string> retrainedDecoders)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(bank);
        ArgumentNullException.ThrowIfNull(retrainedDecoders);
        var planPath = Path.Combine(directory, PlanFileName);
        var plan = ModelPlanSerializer.Load(planPath);
        var decoder = bank.GetDecoder(decoderId);
        if (plan.FindDecoder(decoderId) is not null)
        {
            throw new ModelPlanException($"{planPath} already has a decoder '{decoderId}'");
        }

        foreach (var id in retrainedDecoders)
        {
            if (plan.FindDecoder(id) is null)
            {
                throw new ModelPlanException($"{planPath} has no decoder '{id}' to rewrite");
            }

            _ = bank.GetDecoder(id);
        }

        var fingerprint = ModelFingerprint.Compute(bank.Encoder);
        var updated = plan with
        {
            EncoderFingerprint = fingerprint,
            Decoders = [.. plan.Decoders.Select(d => d with { EncoderFingerprint = fingerprint }), decoder.Plan with { EncoderFingerprint = fingerprint }],
        };
        ModelPlanSerializer.Validate(updated);
        Directory.CreateDirectory(Path.Combine(directory, DecoderFolderName));
        DurableFile.ReplaceFromPath(Path.Combine(directory, EncoderFileName), temporary => bank.Encoder.save(temporary));
        foreach (var id in retrainedDecoders)
        {
            DurableFile.ReplaceFromPath(DecoderPath(directory, id), temporary => bank.GetDecoder(id).save(temporary));
        }

        DurableFile.ReplaceFromPath(DecoderPath(directory, decoderId), temporary => decoder.save(temporary));
        ModelPlanSerializer.Save(updated, planPath);
        return updated;
    }

    /// <summary>Reads a model directory; checks the encoder weights and every decoder against the fingerprints.</summary>
    /// <exception cref="ModelPlanException">A file is missing or a fingerprint does not match.</exception>
    public static LoadedModel Load(string directory) => Load(directory, null);

    /// <summary>
    /// Reads a model directory with only the plan's decoders that <paramref name="includeDecoder"/> accepts (all when it
    /// is null); the returned plan lists exactly the decoders loaded.
    /// </summary>
    /// <exception cref="ModelPlanException">A file is missing or a fingerprint does not match.</exception>
    public static LoadedModel Load(string directory, Func<string, bool>? includeDecoder)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var plan = ModelPlanSerializer.Load(Path.Combine(directory, PlanFileName));
        if (plan.EncoderFingerprint.Length == 0)
        {
            throw new ModelPlanException($"{Path.Combine(directory, PlanFileName)} has no encoderFingerprint; it was not written by a model save");
        }

        var bank = new DecoderBank(plan with { Decoders = [] });
        try
        {
            LoadWeights(bank.Encoder, Path.Combine(directory, EncoderFileName), "encoder");
            var actual = ModelFingerprint.Compute(bank.Encoder);
            if (!string.Equals(actual, plan.EncoderFingerprint, StringComparison.Ordinal))
            {
                throw new ModelPlanException($"{EncoderFileName} has fingerprint {Short(actual)} but the plan expects {Short(plan.EncoderFingerprint)}");
            }

            var loaded = plan.Decoders.Where(d => includeDecoder is null || includeDecoder(d.Id)).ToArray();
            foreach (var d in loaded)
            {
                InstallDecoder(bank, d, DecoderPath(directory, d.Id));
            }

            return new LoadedModel(plan with { Decoders = loaded }, bank);
        }
        catch
        {
            bank.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Adds the decoder <paramref name="plan"/> with the weights at <paramref name="weightsPath"/> to
    /// <paramref name="bank"/>, refusing it unless it was trained on exactly this encoder.
    /// </summary>
    public static Decoder InstallDecoder(DecoderBank bank, DecoderPlan plan, string weightsPath)
    {
        ArgumentNullException.ThrowIfNull(bank);
        ArgumentNullException.ThrowIfNull(plan);
        var actual = ModelFingerprint.Compute(bank.Encoder);
        if (!string.Equals(plan.EncoderFingerprint, actual, StringComparison.Ordinal))
        {
            var trained = plan.EncoderFingerprint.Length == 0 ? "an unrecorded encoder" : $"encoder {Short(plan.EncoderFingerprint)}";
            throw new ModelPlanException($"decoder '{plan.Id}' was trained on {trained} and refuses this encoder {Short(actual)}");
        }

        if (bank.DecoderIds.Contains(plan.Id, StringComparer.Ordinal))
        {
            throw new ModelPlanException($"the bank already has a decoder '{plan.Id}'");
        }

        var decoder = new Decoder(bank.EncoderPlan, plan);
        try
        {
            LoadWeights(decoder, weightsPath, $"decoder '{plan.Id}'");
            return bank.Attach(decoder);
        }
        catch
        {
            decoder.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="regressor"/> as <c>bodypart.bin</c> into the existing model <paramref name="directory"/>
    /// and records its width, slice size, slice spacing, field of view and fingerprint in the plan's <c>bodyPart</c> section.
    /// Nothing else of the plan changes.
    /// </summary>
    /// <returns>The plan as written.</returns>
    public static ModelPlan SaveBodyPart(string directory, BodyPartRegressor regressor, int sliceSize, double sliceSpacingMm, double? fieldOfViewMm = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(regressor);
        var planPath = Path.Combine(directory, PlanFileName);
        var plan = ModelPlanSerializer.Load(planPath);
        var section = new BodyPartModelPlan
        {
            Width = regressor.Width,
            SliceSize = sliceSize,
            SliceSpacingMm = sliceSpacingMm,
            FieldOfViewMm = fieldOfViewMm,
            Fingerprint = ModelFingerprint.Compute(regressor),
        };
        var updated = plan with { BodyPart = section };
        ModelPlanSerializer.Validate(updated);
        var path = Path.Combine(directory, BodyPartFileName);
        DurableFile.ReplaceFromPath(path, temporary => regressor.save(temporary));
        ModelPlanSerializer.Save(updated, planPath);
        return updated;
    }

    /// <summary>
    /// The body-part regressor of the model <paramref name="directory"/> whose plan is <paramref name="plan"/>,
    /// or null when the plan has no <c>bodyPart</c> section. The caller disposes it.
    /// </summary>
    /// <exception cref="ModelPlanException">The section exists but the weights are missing, do not fit or do not match its fingerprint.</exception>
    public static BodyPartRegressor? TryLoadBodyPart(string directory, ModelPlan plan)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.BodyPart is not { } section)
        {
            return null;
        }

        var regressor = new BodyPartRegressor(section.Width);
        try
        {
            LoadWeights(regressor, Path.Combine(directory, BodyPartFileName), "body-part model");
            var actual = ModelFingerprint.Compute(regressor);
            if (!string.Equals(actual, section.Fingerprint, StringComparison.Ordinal))
            {
                throw new ModelPlanException($"{BodyPartFileName} has fingerprint {Short(actual)} but the plan expects {Short(section.Fingerprint)}");
            }

            regressor.eval();
            return regressor;
        }
        catch
        {
            regressor.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Replaces the body-part range of the decoders named in <paramref name="ranges"/> in the plan of
    /// <paramref name="directory"/>; weights and other entries are not touched.
    /// </summary>
    /// <returns>The plan as written.</returns>
    public static ModelPlan SetBodyPartRanges(string directory, IReadOnlyDictionary<string, BodyPartRange> ranges)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(ranges);
        var planPath = Path.Combine(directory, PlanFileName);
        var plan = ModelPlanSerializer.Load(planPath);
        foreach (var id in ranges.Keys)
        {
            if (plan.FindDecoder(id) is null)
            {
                throw new ModelPlanException($"{planPath} has no decoder '{id}'");
            }
        }

        var updated = plan with { Decoders = plan.Decoders.Select(d => ranges.TryGetValue(d.Id, out var r) ? d with { BodyPartRange = r } : d).ToArray() };
        ModelPlanSerializer.Validate(updated);
        ModelPlanSerializer.Save(updated, planPath);
        return updated;
    }

    /// <summary>
    /// Sets the calibration temperature of decoder <paramref name="decoderId"/> in the plan of <paramref name="directory"/>
    /// (<see cref="DecoderPlan.Temperature"/>); weights and other entries are not touched. Changes to a model the node
    /// serves go through <see cref="Packages.ModelDirectory.SetCalibrationTemperatureAsync"/>, which holds the directory's lock.
    /// </summary>
    /// <returns>The plan as written.</returns>
    /// <exception cref="ModelPlanException">The plan has no such decoder, or the temperature is not positive and finite.</exception>
    public static ModelPlan SetTemperature(string directory, string decoderId, double temperature)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(decoderId);
        var planPath = Path.Combine(directory, PlanFileName);
        var plan = ModelPlanSerializer.Load(planPath);
        if (plan.FindDecoder(decoderId) is null)
        {
            throw new ModelPlanException($"{planPath} has no decoder '{decoderId}'");
        }

        var updated = plan with { Decoders = plan.Decoders.Select(d => string.Equals(d.Id, decoderId, StringComparison.Ordinal) ? d with { Temperature = temperature } : d).ToArray() };
        ModelPlanSerializer.Validate(updated);
        ModelPlanSerializer.Save(updated, planPath);
        return updated;
    }

    /// <summary>The weights file of decoder <paramref name="id"/> in <paramref name="directory"/>.</summary>
    public static string DecoderPath(string directory, string id) => Path.Combine(directory, DecoderFolderName, id + ".bin");

    private static void LoadWeights(TorchSharp.torch.nn.Module module, string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new ModelPlanException($"{what}: weights file not found: {path}");
        }

        try
        {
            module.load(path, strict: true);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or FormatException or EndOfStreamException)
        {
            throw new ModelPlanException($"{what}: weights file {path} does not fit its plan: {ex.Message}", ex);
        }
    }

    private static string Short(string fingerprint) => fingerprint.Length > 12 ? fingerprint[..12] : fingerprint;
}
