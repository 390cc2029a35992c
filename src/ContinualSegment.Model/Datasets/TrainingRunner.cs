using ContinualSegment.Imaging;
using ContinualSegment.Model.BodyPart;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Packages;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Training;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Datasets;

/// <summary>
/// Whole training runs from an nnU-Net dataset folder to a model directory (<see cref="ModelStore"/>):
/// read and split the dataset, preprocess to the plan, train on freshly sampled and augmented patches
/// with per-epoch checkpoints, compute the decoder's body-part range (optional) and save.
/// </summary>
public static class TrainingRunner
{
    /// <summary>
    /// Trains the encoder and the base decoder. <paramref name="plan"/> supplies the architecture, target
    /// spacing and patch size; when it has no decoder, one is made from the dataset's classes; its CT
    /// normalisation is recomputed from the training foreground unless <see cref="TrainingRunOptions.ComputeNormalization"/> is off.
    /// </summary>
    /// <returns>The plan as written to <paramref name="outputModelDir"/>.</returns>
    public static async Task<ModelPlan> TrainBaseAsync(
        string datasetDir,
        ModelPlan plan,
        string outputModelDir,
        TrainingRunOptions options,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(datasetDir);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentException.ThrowIfNullOrEmpty(outputModelDir);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckDeviceAndPrecision(options.Training);
        var catalogue = StructureCatalogue.LoadDefault();
        var dataset = await NnUnetDataset.OpenAsync(datasetDir, catalogue, cancellationToken).ConfigureAwait(false);
        if (dataset.ChannelNames.Count != plan.InputChannels)
        {
            throw new ArgumentException($"the dataset has {dataset.ChannelNames.Count} channels but the plan's encoder takes {plan.InputChannels}");
        }

        var split = dataset.Split(options.ValidationFraction, options.Training.Seed);
        DecoderPlan decoderPlan;
        if (plan.Decoders.Count == 0)
        {
            decoderPlan = NewDecoder(options.DecoderId ?? "base", dataset, plan, options, catalogue);
        }
        else if (plan.Decoders.Count == 1)
        {
            decoderPlan = plan.Decoders[0];
            if (!decoderPlan.Classes.SequenceEqual(dataset.Classes, StringComparer.Ordinal))
            {
                throw new ArgumentException($"decoder '{decoderPlan.Id}' has classes [{string.Join(", ", decoderPlan.Classes)}] but the dataset labels [{string.Join(", ", dataset.Classes)}]");
            }
        }
        else
        {
            throw new ArgumentException("a base plan has at most one decoder (the base task)");
        }

        if (options.ComputeNormalization && plan.Normalization.Scheme == NormalizationScheme.CT)
        {
            plan = plan with { Normalization = await IntensityStatistics.ComputeAsync(split.Training, options.Training.Seed, cancellationToken).ConfigureAwait(false) };
        }

        decoderPlan = await WithBodyPartRangeAsync(decoderPlan, split.Training, options, cancellationToken).ConfigureAwait(false);
        plan = plan with { Decoders = [decoderPlan], EncoderFingerprint = string.Empty };
        ModelPlanSerializer.Validate(plan);
        var (train, validation) = await LoadAsync(dataset, split, plan, options.ValidationPatchesPerCase, cancellationToken).ConfigureAwait(false);
        torch.manual_seed(options.Training.Seed);
        using var bank = new DecoderBank(plan);
        IReadOnlyList<EpochReport> reports;
        var checkpoint = options.CheckpointDirectory ?? Path.Combine(outputModelDir, "checkpoint");
        try
        {
            MoveTo(bank, options.Training.Device);
            var sampler = new PatchSampler(train, plan.PatchSize, options.ForegroundFraction, options.Training.Seed);
            reports = new PatchTrainingLoop(options).Run(bank, decoderPlan.Id, trainEncoder: true, sampler, validation, checkpoint, progress, cancellationToken);
        }
        finally
        {
            DisposeAll(validation);
            MoveTo(bank, TrainingDevice.Cpu);
        }

        var saved = ModelStore.Save(bank, plan, outputModelDir);
        ModelDirectory.WriteRecord(outputModelDir, decoderPlan.Id, Record(dataset, split, options, reports));
        if (!options.KeepCheckpoint)
        {
            TrainingCheckpoint.Delete(checkpoint);
        }

        return saved;
    }

    /// <summary>
    /// A continual step: loads <paramref name="modelDir"/> (its encoder is checked against the plan's
    /// fingerprint), trains a new decoder <paramref name="newDecoderId"/> and appends it to the model directory, in
    /// <see cref="TrainingRunOptions.Mode"/>:
    /// <list type="bullet">
    /// <item><see cref="ContinualTrainingMode.Continual"/>: on the frozen encoder; the encoder's fingerprint is checked
    /// again before saving, and only the new decoder's file and the plan are written.</item>
    /// <item><see cref="ContinualTrainingMode.Finetune"/>: the encoder is trained with the new decoder; the new encoder
    /// is saved and every earlier decoder is re-stamped with it, its weights unchanged.</item>
    /// <item><see cref="ContinualTrainingMode.Lwf"/>: as fine-tuning, and every earlier decoder is trained too, by
    /// distillation from the model as loaded (<see cref="LwfDistillation"/>); their new weights are saved. Without
    /// earlier decoders it trains as fine-tuning.</item>
    /// </list>
    /// The record written beside the new decoder names the mode; a step that retrained the encoder is also recorded beside
    /// every earlier decoder that has a record (<see cref="DecoderRecord.EncoderRetrained"/>). Modes that retrain the
    /// encoder refuse a model with decoders installed from packages, which are bound to the encoder they were made for
    /// (<see cref="DecoderPackageException"/>, <see cref="DecoderPackageRefusal.EncoderMismatch"/>).
    /// </summary>
    /// <returns>The plan as written.</returns>
    public static async Task<ModelPlan> TrainContinualAsync(
        string modelDir,
        string datasetDir,
        string newDecoderId,
        TrainingRunOptions options,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDir);
        ArgumentException.ThrowIfNullOrEmpty(datasetDir);
        ArgumentException.ThrowIfNullOrEmpty(newDecoderId);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckDeviceAndPrecision(options.Training);
        var mode = options.Mode;
        var catalogue = StructureCatalogue.LoadDefault();
        var dataset = await NnUnetDataset.OpenAsync(datasetDir, catalogue, cancellationToken).ConfigureAwait(false);
        using var model = ModelStore.Load(modelDir);
        var plan = model.Plan;
        if (plan.FindDecoder(newDecoderId) is not null)
        {
            throw new ArgumentException($"the model already has a decoder '{newDecoderId}'", nameof(newDecoderId));
        }

        if (dataset.ChannelNames.Count != plan.InputChannels)
        {
            throw new ArgumentException($"the dataset has {dataset.ChannelNames.Count} channels but the model's encoder takes {plan.InputChannels}");
        }

        if (mode != ContinualTrainingMode.Continual)
        {
            await RefuseInstalledPackagesAsync(modelDir, mode, cancellationToken).ConfigureAwait(false);
        }

        var fingerprint = ModelFingerprint.Compute(model.Bank.Encoder);
        var earlier = plan.Decoders.Select(d => d.Id).ToArray();
        var decoderPlan = NewDecoder(newDecoderId, dataset, plan, options, catalogue);
        var split = dataset.Split(options.ValidationFraction, options.Training.Seed);
        decoderPlan = await WithBodyPartRangeAsync(decoderPlan, split.Training, options, cancellationToken).ConfigureAwait(false);
        var (train, validation) = await LoadAsync(dataset, split, plan, options.ValidationPatchesPerCase, cancellationToken).ConfigureAwait(false);

        // The teacher of Learning without Forgetting: the model as loaded, read again (before the seed is set, so that
        // the new decoder's initial weights are those of the other modes).
        using var teacher = mode == ContinualTrainingMode.Lwf && earlier.Length > 0 ? ModelStore.Load(modelDir) : null;
        torch.manual_seed(options.Training.Seed);
        model.Bank.AddDecoder(decoderPlan);
        IReadOnlyList<EpochReport> reports;
        var checkpoint = options.CheckpointDirectory ?? Path.Combine(modelDir, "checkpoint-" + newDecoderId);
        try
        {
            MoveTo(model.Bank, options.Training.Device);
            LwfDistillation? distillation = null;
            if (teacher is not null)
            {
                MoveTo(teacher.Bank, options.Training.Device);
                distillation = new LwfDistillation(teacher.Bank, earlier, options.LwfTemperature, options.LwfWeight);
            }

            var sampler = new PatchSampler(train, plan.PatchSize, options.ForegroundFraction, options.Training.Seed);
            reports = new PatchTrainingLoop(options).Run(model.Bank, newDecoderId, trainEncoder: mode != ContinualTrainingMode.Continual, distillation, sampler, validation, checkpoint, progress, cancellationToken);
        }
        finally
        {
            DisposeAll(validation);
            MoveTo(model.Bank, TrainingDevice.Cpu);
        }

        var record = Record(dataset, split, options, reports) with { Mode = ModeName(mode) };
        ModelPlan written;
        if (mode == ContinualTrainingMode.Continual)
        {
            if (!string.Equals(ModelFingerprint.Compute(model.Bank.Encoder), fingerprint, StringComparison.Ordinal))
            {
                throw new InvalidOperationException("the frozen encoder changed during the continual step; nothing was saved");
            }

            written = ModelStore.AppendDecoder(modelDir, model.Bank, newDecoderId);
            ModelDirectory.WriteRecord(modelDir, newDecoderId, record);
        }
        else
        {
            written = ModelStore.AppendDecoderWithRetrainedEncoder(modelDir, model.Bank, newDecoderId, teacher is null ? [] : earlier);
            var retraining = new EncoderRetraining
            {
                Step = newDecoderId,
                Mode = ModeName(mode),
                PreviousEncoderFingerprint = fingerprint,
                EncoderFingerprint = written.EncoderFingerprint,
                EarlierDecoders = earlier,
            };
            ModelDirectory.WriteRecord(modelDir, newDecoderId, record with { EncoderRetrained = [retraining] });
            foreach (var id in earlier)
            {
                if (await ModelDirectory.ReadRecordAsync(modelDir, id, cancellationToken).ConfigureAwait(false) is { } before)
                {
                    ModelDirectory.WriteRecord(modelDir, id, before with { EncoderRetrained = [.. before.EncoderRetrained ?? [], retraining] });
                }
            }

            var logger = options.LoggerFactory.CreateLogger(typeof(TrainingRunner));
            var earlierNames = earlier.Length == 0 ? "none" : string.Join(", ", earlier);
            Log.EncoderRetrained(logger, newDecoderId, retraining.Mode, fingerprint, written.EncoderFingerprint, earlierNames);
        }

        if (!options.KeepCheckpoint)
        {
            TrainingCheckpoint.Delete(checkpoint);
        }

        return written;
    }

    /// <summary>The name a mode has on the command line and in training records.</summary>
    public static string ModeName(ContinualTrainingMode mode) => mode switch
    {
        ContinualTrainingMode.Continual => "continual",
        ContinualTrainingMode.Finetune => "finetune",
        ContinualTrainingMode.Lwf => "lwf",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown training mode"),
    };

    /// <summary>The mode named <paramref name="name"/> (as <see cref="ModeName"/> writes it); false for any other name.</summary>
    public static bool TryParseMode(string? name, out ContinualTrainingMode mode)
    {
        foreach (var m in Enum.GetValues<ContinualTrainingMode>())
        {
            if (string.Equals(name, ModeName(m), StringComparison.Ordinal))
            {
                mode = m;
                return true;
            }
        }

        mode = ContinualTrainingMode.Continual;
        return false;
    }

    /// <summary>What a training run records beside the decoder it trained: data set, cases, time, software, seed and the last epoch's figures.</summary>
    public static DecoderRecord Record(NnUnetDataset dataset, DatasetSplit split, TrainingRunOptions options, IReadOnlyList<EpochReport> reports)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reports);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (reports.Count > 0)
        {
            var last = reports[^1];
            if (double.IsFinite(last.ValidationDice))
            {
                metrics["validationDice"] = Math.Round(last.ValidationDice, 6);
            }

            if (double.IsFinite(last.TrainingLoss))
            {
                metrics["trainingLoss"] = Math.Round(last.TrainingLoss, 6);
            }

            metrics["epochs"] = last.Epoch;
        }

        return new DecoderRecord
        {
            Provenance = new TrainingProvenance
            {
                Dataset = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataset.Directory))),
                Cases = split.Training.Count,
                TrainedAt = options.TimeProvider.GetUtcNow(),
                SoftwareVersion = typeof(TrainingRunner).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                Seed = options.Training.Seed,
            },
            Metrics = metrics,
        };
    }

    /// <summary>A decoder plan for the dataset's classes on <paramref name="plan"/>'s encoder.</summary>
    public static DecoderPlan NewDecoder(string id, NnUnetDataset dataset, ModelPlan plan, TrainingRunOptions options, StructureCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(catalogue);
        var task = options.Task ?? dataset.CatalogueTask(catalogue) ?? "custom";
        var decoder = new DecoderPlan
        {
            Id = id,
            Task = task,
            Classes = dataset.Classes,
            Genotype = DecoderGenotype.Full(plan.Encoder.Stages.Count),
            DeepSupervision = options.DeepSupervision,
        };
        ModelPlanSerializer.ValidateDecoder(decoder, plan.Encoder.Stages.Count);
        return decoder;
    }

    private static async Task<(List<PreprocessedCase> Train, List<TrainingSample> Validation)> LoadAsync(NnUnetDataset dataset, DatasetSplit split, ModelPlan plan, int validationPatches, CancellationToken cancellationToken)
    {
        var train = new List<PreprocessedCase>();
        foreach (var c in split.Training)
        {
            train.Add(await CasePreprocessor.LoadAsync(c, plan, dataset.Classes.Count, cancellationToken).ConfigureAwait(false));
        }

        var validation = new List<TrainingSample>();
        foreach (var c in split.Validation)
        {
            var pc = await CasePreprocessor.LoadAsync(c, plan, dataset.Classes.Count, cancellationToken).ConfigureAwait(false);
            validation.AddRange(FixedPatches(pc, plan, validationPatches, seed: 17));
        }

        return (train, validation);
    }

    /// <summary>
    /// A fixed set of foreground-centred patches of a case, as training samples (the same for the same seed):
    /// what validation and trimming evaluate on.
    /// </summary>
    public static IReadOnlyList<TrainingSample> FixedPatches(PreprocessedCase preprocessed, ModelPlan plan, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(preprocessed);
        ArgumentNullException.ThrowIfNull(plan);
        var sampler = new PatchSampler([preprocessed], plan.PatchSize, foregroundFraction: 1.0, seed: 0);
        var random = new Random(seed);
        var samples = new List<TrainingSample>(count);
        for (var i = 0; i < count; i++)
        {
            var p = sampler.Sample(random);
            samples.Add(new TrainingSample(
                tensor(p.Image).reshape(preprocessed.Channels, plan.PatchSize[0], plan.PatchSize[1], plan.PatchSize[2]),
                tensor(p.Labels.Select(v => (long)v).ToArray()).reshape(plan.PatchSize[0], plan.PatchSize[1], plan.PatchSize[2])));
        }

        return samples;
    }

    /// <summary>Training and validation patches of a dataset preprocessed to a model's plan (for trimming).</summary>
    public static async Task<(IReadOnlyList<TrainingSample> Training, IReadOnlyList<TrainingSample> Validation)> PatchSetsAsync(
        string datasetDir, ModelPlan plan, double validationFraction, int patchesPerCase, int seed, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(datasetDir);
        ArgumentNullException.ThrowIfNull(plan);
        var dataset = await NnUnetDataset.OpenAsync(datasetDir, StructureCatalogue.LoadDefault(), cancellationToken).ConfigureAwait(false);
        var split = dataset.Split(validationFraction, seed);
        var training = await CasePatchesAsync(split.Training, dataset, plan, patchesPerCase, seed, null, cancellationToken).ConfigureAwait(false);
        var validation = await CasePatchesAsync(split.Validation, dataset, plan, patchesPerCase, seed + 1, null, cancellationToken).ConfigureAwait(false);
        return (training, validation);
    }

    /// <summary>
    /// The patch sets of a trimming run: training patches from the training cases, and the validation cases (the split
    /// of <see cref="PatchSetsAsync"/>) divided in turn between the search (ranking candidates) and the acceptance of the
    /// finalists, so that the two never share a case. With a single validation case both use its patches.
    /// </summary>
    public static async Task<TrimPatchSets> TrimPatchSetsAsync(
        string datasetDir, ModelPlan plan, double validationFraction, int patchesPerCase, int seed, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(datasetDir);
        ArgumentNullException.ThrowIfNull(plan);
        var dataset = await NnUnetDataset.OpenAsync(datasetDir, StructureCatalogue.LoadDefault(), cancellationToken).ConfigureAwait(false);
        var split = dataset.Split(validationFraction, seed);
        var training = await CasePatchesAsync(split.Training, dataset, plan, patchesPerCase, seed, null, cancellationToken).ConfigureAwait(false);
        var searchCases = split.Validation.Where((_, i) => i % 2 == 0).ToArray();
        var acceptanceCases = split.Validation.Where((_, i) => i % 2 == 1).ToArray();
        var searchVolumes = new List<PreprocessedCase>();
        var acceptanceVolumes = new List<PreprocessedCase>();
        var search = await CasePatchesAsync(searchCases, dataset, plan, patchesPerCase, seed + 1, searchVolumes, cancellationToken).ConfigureAwait(false);
        var acceptance = await CasePatchesAsync(acceptanceCases, dataset, plan, patchesPerCase, seed + 1, acceptanceVolumes, cancellationToken).ConfigureAwait(false);
        string[] Ids(NnUnetCase[] cases) => [.. cases.Select(static c => c.Id)];
        return acceptance.Count == 0
            ? new TrimPatchSets(training, search, search, Ids(searchCases), Ids(searchCases)) { AcceptanceVolumes = searchVolumes }
            : new TrimPatchSets(training, search, acceptance, Ids(searchCases), Ids(acceptanceCases)) { AcceptanceVolumes = acceptanceVolumes };
    }

    // The fixed patches of some cases of a dataset, case after case; with volumes, each preprocessed case is kept there too.
    private static async Task<List<TrainingSample>> CasePatchesAsync(IEnumerable<NnUnetCase> cases, NnUnetDataset dataset, ModelPlan plan, int patchesPerCase, int seed, List<PreprocessedCase>? volumes, CancellationToken cancellationToken)
    {
        var patches = new List<TrainingSample>();
        foreach (var c in cases)
        {
            var pc = await CasePreprocessor.LoadAsync(c, plan, dataset.Classes.Count, cancellationToken).ConfigureAwait(false);
            patches.AddRange(FixedPatches(pc, plan, patchesPerCase, seed));
            volumes?.Add(pc);
        }

        return patches;
    }

    private static async Task RefuseInstalledPackagesAsync(string modelDir, ContinualTrainingMode mode, CancellationToken cancellationToken)
    {
        var packages = (await new ModelDirectory(modelDir).ListAsync(cancellationToken).ConfigureAwait(false))
            .Where(d => d.Origin == DecoderOrigin.Package).Select(d => d.Id).ToArray();
        if (packages.Length > 0)
        {
            throw new DecoderPackageException(
                DecoderPackageRefusal.EncoderMismatch,
                $"a {ModeName(mode)} step retrains the encoder, but {modelDir} has decoders installed from packages for its current encoder ({string.Join(", ", packages)}); remove them first, or train in continual mode");
        }
    }

    private static async Task<DecoderPlan> WithBodyPartRangeAsync(DecoderPlan decoder, IReadOnlyList<NnUnetCase> cases, TrainingRunOptions options, CancellationToken cancellationToken)
    {
        if (options.BodyPartRegressorPath is null)
        {
            return decoder;
        }

        // The weights' own model directory says how they were trained (width, slice format); bare weights are the
        // original format (width 8, whole slices stretched to 64 × 64).
        var section = BodyPartSectionBeside(options.BodyPartRegressorPath);
        using var regressor = BodyPartRegressor.LoadWeights(options.BodyPartRegressorPath, section?.Width ?? 8);
        var format = section is null ? new BodyPartSliceFormat(BodyPartSlices.DefaultSize, null) : BodyPartSliceFormat.Of(section);
        var perCase = new List<(IReadOnlyList<double>, IReadOnlyList<bool>)>();
        foreach (var c in cases)
        {
            var image = await NiftiReader.ReadFloatAsync(c.ImagePaths[0], cancellationToken).ConfigureAwait(false);
            var labels = await NiftiReader.ReadLabelsAsync(c.LabelPath, cancellationToken).ConfigureAwait(false);
            using var slices = format.Prepare(image.Data, image.SizeZ, image.SizeY, image.SizeX, image.Spacing.Y, image.Spacing.X);
            perCase.Add((BodyPartScorer.ScoreMonotonic(regressor, slices), BodyPartRangeCalculator.SlicesWithForeground(labels.Data, labels.SizeZ)));
        }

        return decoder with { BodyPartRange = BodyPartRangeCalculator.Compute(perCase, options.BodyPartMargin) };
    }

    private static BodyPartModelPlan? BodyPartSectionBeside(string weightsPath)
    {
        var full = Path.GetFullPath(weightsPath);
        var plan = Path.Combine(Path.GetDirectoryName(full) ?? ".", ModelStore.PlanFileName);
        if (!string.Equals(Path.GetFileName(full), ModelStore.BodyPartFileName, StringComparison.Ordinal) || !File.Exists(plan))
        {
            return null;
        }

        return ModelPlanSerializer.Load(plan).BodyPart;
    }

    /// <summary>The torch device of a <see cref="TrainingDevice"/>; CUDA is refused where the build or machine has none.</summary>
    public static Device ToTorchDevice(TrainingDevice device) => device switch
    {
        TrainingDevice.Cpu => CPU,
        TrainingDevice.Cuda when torch.cuda.is_available() => CUDA,
        TrainingDevice.Cuda => throw new NotSupportedException("CUDA training was asked for, but no CUDA device is available (this build's TorchSharp backend is the CPU one, or the machine has no GPU); see docs/gpu.md"),
        _ => throw new ArgumentOutOfRangeException(nameof(device), device, "unknown training device"),
    };

    /// <summary>Refuses, before any work, a device or precision this process cannot run (a clear message says why).</summary>
    public static void CheckDeviceAndPrecision(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ = PrecisionContext.Create(options.Precision, ToTorchDevice(options.Device).type, options.InitialLossScale, options.LossScaleGrowthInterval);
    }

    /// <summary>Refuses, before any work, a device or precision this process cannot run (a clear message says why).</summary>
    public static void CheckDeviceAndPrecision(TrainingPrecision precision, TrainingDevice device)
        => _ = PrecisionContext.Create(precision, ToTorchDevice(device).type);

    private static void MoveTo(DecoderBank bank, TrainingDevice device)
    {
        var target = ToTorchDevice(device);
        if (PrecisionContext.DeviceOf(bank).type != target.type)
        {
            bank.to(target);
        }
    }

    private static void DisposeAll(List<TrainingSample> samples)
    {
        foreach (var s in samples)
        {
            s.Image.Dispose();
            s.Labels.Dispose();
        }
    }
}
