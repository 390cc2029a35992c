using System.Globalization;
using ContinualSegment.Imaging;
using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Inference;
using ContinualSegment.Model.Packages;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Training;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Calibration;

/// <summary>
/// Fits a decoder's calibration temperature on its validation cases:
/// <list type="number">
/// <item>The validation cases are those training held out: the decoder's dataset split exactly as
/// <see cref="TrainingRunner"/> splits it (<see cref="NnUnetDataset.Split"/> with the training run's validation fraction and
/// seed; the seed comes from the decoder's training record or package provenance unless given). Where training recorded
/// how many cases it trained on, a split that leaves another number is refused, so training cases are never used. The
/// dataset's classes must be the decoder's, in the same order.</item>
/// <item>Each validation case is preprocessed as for training and goes whole through the sliding window (in chunks along z
/// with half a patch of context, as in the pipeline), the decoder alone on the model's encoder.</item>
/// <item>Per case a deterministic, seeded sample of <see cref="CalibrationOptions.VoxelsPerCase"/> voxels is kept,
/// stratified by true class and weighted back to the whole volume (see <see cref="StratifiedVoxelSampler"/>): the
/// likelihood and the calibration error are estimates over every validation voxel, while small structures are still seen.</item>
/// <item>The logits are log p of the window's averaged probabilities p, so that the fitted T is the one the merger's
/// q ∝ p^(1/T) needs; T minimises the negative log-likelihood (<see cref="TemperatureScaling.Fit"/>).</item>
/// <item>The scores are reported over every voxel and, at the same temperature, over the foreground (voxels whose true
/// or arg-max class is not background), where the merger's confidence comparisons matter and background does not
/// dominate.</item>
/// <item>Every voxel of the validation cases also counts towards each class's whole-volume Dice (arg-max against the
/// truth, summed over the cases; a class no validation case contains gets none), reported with the fit.</item>
/// </list>
/// Nothing is written: <see cref="ModelDirectory.SetCalibrationTemperatureAsync"/> stores the temperature.
/// </summary>
public static class DecoderCalibrator
{
    /// <summary>Calibrates decoder <paramref name="decoderId"/> of the model in <paramref name="modelDirectory"/> on <paramref name="datasetDirectory"/>.</summary>
    /// <exception cref="ModelPlanException">The model directory has no valid model, or the decoder does not fit its encoder.</exception>
    /// <exception cref="DecoderPackageException"><see cref="DecoderPackageRefusal.UnknownDecoder"/>, or the decoder cannot be loaded.</exception>
    /// <exception cref="NnUnetDatasetException">The dataset does not match the decoder (channels, classes, split) or has no validation case.</exception>
    public static async Task<DecoderCalibrationResult> CalibrateAsync(
        string modelDirectory,
        string datasetDirectory,
        string decoderId,
        CalibrationOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        ArgumentException.ThrowIfNullOrEmpty(datasetDirectory);
        ArgumentException.ThrowIfNullOrEmpty(decoderId);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var root = Path.GetFullPath(modelDirectory);
        var planPath = Path.Combine(root, ModelStore.PlanFileName);
        if (!File.Exists(planPath))
        {
            throw new ModelPlanException($"{root} is not a model directory: it has no {ModelStore.PlanFileName}");
        }

        var modelPlan = ModelPlanSerializer.Load(planPath);
        var installed = await new ModelDirectory(root).ListAsync(cancellationToken).ConfigureAwait(false);
        var decoder = installed.FirstOrDefault(d => string.Equals(d.Id, decoderId, StringComparison.Ordinal))
            ?? throw new DecoderPackageException(
                DecoderPackageRefusal.UnknownDecoder,
                $"no decoder '{decoderId}' in {root} ({(installed.Count == 0 ? "it has none" : "it has: " + string.Join(", ", installed.Select(d => d.Id)))})");
        if (decoder.Problem is not null)
        {
            throw new DecoderPackageException(DecoderPackageRefusal.InvalidManifest, $"decoder '{decoderId}' cannot be loaded: {decoder.Problem}");
        }

        var decoderPlan = decoder.ToDecoderPlan(modelPlan.Encoder.Stages.Count);
        var datasetDir = Path.GetFullPath(datasetDirectory);
        var dataset = await NnUnetDataset.OpenAsync(datasetDir, StructureCatalogue.LoadDefault(), cancellationToken).ConfigureAwait(false);
        CheckDataset(dataset, decoderPlan, modelPlan);
        var warnings = new List<string>();
        var (split, fraction, seed) = ValidationSplit(dataset, decoder, options, warnings);

        using var model = ModelStore.Load(root, id => decoder.Origin == DecoderOrigin.Model && string.Equals(id, decoderId, StringComparison.Ordinal));
        if (decoder.Origin == DecoderOrigin.Package)
        {
            var weights = decoder.WeightsPath ?? throw new DecoderPackageException(
                DecoderPackageRefusal.InvalidManifest, $"decoder '{decoderId}': its payload does not hold exactly one weights file (*.bin)");
            ModelStore.InstallDecoder(model.Bank, decoderPlan, weights);
        }

        var logger = options.LoggerFactory.CreateLogger(typeof(DecoderCalibrator));
        var samples = new CalibrationSamples(decoderPlan.OutputChannels, Math.Min(options.VoxelsPerCase, 1 << 16));
        var foreground = new CalibrationSamples(decoderPlan.OutputChannels);
        var random = new Random(options.SampleSeed);
        long represented = 0;
        var overlap = new DiceCounts(decoderPlan.OutputChannels);
        using (var predictor = new SlidingWindowPredictor(model.Bank, model.Plan.PatchSize, options.SlidingWindow))
        {
            for (var i = 0; i < split.Validation.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var preprocessed = await CasePreprocessor.LoadAsync(split.Validation[i], model.Plan, dataset.Classes.Count, cancellationToken).ConfigureAwait(false);
                var (indexes, weights) = StratifiedVoxelSampler.Sample(preprocessed.Labels, decoderPlan.OutputChannels, options.VoxelsPerCase, random);
                Collect(predictor, decoderPlan, preprocessed, indexes, weights, options.ChunkDepth, model.Plan.PatchSize[0], samples, foreground, overlap, cancellationToken);
                represented += preprocessed.VoxelCount;
                Log.CaseSampled(logger, decoderId, i + 1, split.Validation.Count, indexes.Length, preprocessed.VoxelCount);
            }
        }

        var fit = TemperatureScaling.Fit(samples, options.MinTemperature, options.MaxTemperature);
        var before = TemperatureScaling.Score(samples, 1.0, options.Bins);
        var after = TemperatureScaling.Score(samples, fit.Temperature, options.Bins);
        var foregroundBefore = foreground.Count == 0 ? null : TemperatureScaling.Score(foreground, 1.0, options.Bins);
        var foregroundAfter = foreground.Count == 0 ? null : TemperatureScaling.Score(foreground, fit.Temperature, options.Bins);
        if (fit.AtBound)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"the likelihood kept falling towards the search bound {fit.Temperature:0.####}; the temperature is that bound"));
        }

        Log.Calibrated(logger, decoderId, fit.Temperature, fit.AtBound, before.NegativeLogLikelihood, after.NegativeLogLikelihood, before.ExpectedCalibrationError, after.ExpectedCalibrationError, samples.Count, split.Validation.Count);
        return new DecoderCalibrationResult
        {
            DecoderId = decoderId,
            Origin = decoder.Origin,
            PreviousTemperature = decoderPlan.Temperature,
            Temperature = fit.Temperature,
            AtBound = fit.AtBound,
            Before = before,
            After = after,
            ForegroundBefore = foregroundBefore,
            ForegroundAfter = foregroundAfter,
            Voxels = samples.Count,
            ForegroundVoxels = foreground.Count,
            VoxelsRepresented = represented,
            ValidationDice = overlap.Dice(decoderPlan.Classes),
            ValidationCases = split.Validation.Select(c => c.Id).ToArray(),
            ValidationFraction = fraction,
            SplitSeed = seed,
            Warnings = warnings,
        };
    }

    private static void CheckDataset(NnUnetDataset dataset, DecoderPlan decoder, ModelPlan plan)
    {
        if (dataset.ChannelNames.Count != plan.InputChannels)
        {
            throw new NnUnetDatasetException($"the dataset has {dataset.ChannelNames.Count} channel(s) but the model's encoder takes {plan.InputChannels}");
        }

        if (!dataset.Classes.SequenceEqual(decoder.Classes, StringComparer.Ordinal))
        {
            throw new NnUnetDatasetException(
                $"the dataset's labels do not match decoder '{decoder.Id}': it labels {Describe(dataset.Classes)}, the decoder predicts {Describe(decoder.Classes)} (same names, same order needed)");
        }
    }

    private static string Describe(IReadOnlyList<string> classes)
        => classes.Count <= 6
            ? $"[{string.Join(", ", classes)}]"
            : $"{classes.Count} classes [{string.Join(", ", classes.Take(3))}, …, {classes[^1]}]";

    private static (DatasetSplit Split, double Fraction, int Seed) ValidationSplit(NnUnetDataset dataset, InstalledDecoder decoder, CalibrationOptions options, List<string> warnings)
    {
        var provenance = decoder.Provenance;
        var fraction = options.ValidationFraction ?? TrainingRunOptions.DefaultValidationFraction;
        var seed = options.SplitSeed
            ?? (provenance is { Seed: >= int.MinValue and <= int.MaxValue } ? (int)provenance.Seed : TrainingOptions.DefaultSeed);
        var split = dataset.Split(fraction, seed);
        var where = string.Create(CultureInfo.InvariantCulture, $"splitting {dataset.Directory} ({dataset.Cases.Count} cases) with validation fraction {fraction} and seed {seed}");
        if (split.Validation.Count == 0)
        {
            throw new NnUnetDatasetException($"{where} leaves no validation case to calibrate on");
        }

        if (provenance is null)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"decoder '{decoder.Id}' has no training record: the validation cases are those of validation fraction {fraction} and seed {seed}, which must be what it was trained with"));
            return (split, fraction, seed);
        }

        if (provenance.Cases != split.Training.Count)
        {
            throw new NnUnetDatasetException(
                $"decoder '{decoder.Id}' was trained on {provenance.Cases} case(s) of '{provenance.Dataset}', but {where} leaves {split.Training.Count} training case(s): give the dataset, validation fraction and seed it was trained with");
        }

        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(dataset.Directory));
        if (!string.Equals(name, provenance.Dataset, StringComparison.Ordinal))
        {
            warnings.Add($"decoder '{decoder.Id}' was trained on a dataset named '{provenance.Dataset}', this one is named '{name}'");
        }

        return (split, fraction, seed);
    }

    // The whole case through the sliding window, chunk by chunk along z; the sampled voxels' log-probabilities are kept and
    // every voxel's arg-max is counted against its true class.
    private static void Collect(
        SlidingWindowPredictor predictor,
        DecoderPlan decoder,
        PreprocessedCase preprocessed,
        int[] indexes,
        double[] weights,
        int chunkDepth,
        int patchDepth,
        CalibrationSamples samples,
        CalibrationSamples foreground,
        DiceCounts overlap,
        CancellationToken cancellationToken)
    {
        var plane = (long)preprocessed.Height * preprocessed.Width;
        var halo = (patchDepth + 1) / 2;
        var classes = decoder.OutputChannels;
        var row = new float[classes];
        string[] ids = [decoder.Id];
        using var image = tensor(preprocessed.Image, new long[] { preprocessed.Channels, preprocessed.Depth, preprocessed.Height, preprocessed.Width });
        var next = 0;
        for (var c0 = 0; c0 < preprocessed.Depth; c0 += chunkDepth)
        {
            var c1 = Math.Min(preprocessed.Depth, c0 + chunkDepth);
            var first = next;
            while (next < indexes.Length && indexes[next] < c1 * plane)
            {
                next++;
            }

            var a0 = Math.Max(0, c0 - halo);
            var a1 = Math.Min(preprocessed.Depth, c1 + halo);
            using var scope = NewDisposeScope();
            using var prediction = predictor.Predict(image.narrow(1, a0, a1 - a0), ids, cancellationToken);
            var own = prediction.Probabilities[decoder.Id].narrow(1, c0 - a0, c1 - c0);
            overlap.Add(own.argmax(0).to(ScalarType.Int32).contiguous().data<int>().ToArray(), preprocessed.Labels.AsSpan((int)(c0 * plane), (int)((c1 - c0) * plane)));
            if (next == first)
            {
                continue;
            }

            var local = new long[next - first];
            for (var j = 0; j < local.Length; j++)
            {
                local[j] = indexes[first + j] - (c0 * plane);
            }

            var picked = own
                .to(ScalarType.Float32)
                .reshape(classes, -1)
                .index_select(1, tensor(local))
                .t()
                .contiguous()
                .data<float>()
                .ToArray();
            for (var j = 0; j < local.Length; j++)
            {
                var argmax = 0;
                for (var k = 0; k < classes; k++)
                {
                    // The merger floors probabilities at 1e-30 before it takes their logarithm; so does the fit.
                    row[k] = MathF.Log(MathF.Max(picked[(j * classes) + k], 1e-30f));
                    argmax = row[k] > row[argmax] ? k : argmax;
                }

                var label = preprocessed.Labels[indexes[first + j]];
                samples.Add(row, label, weights[first + j]);
                if (label != 0 || argmax != 0)
                {
                    foreground.Add(row, label, weights[first + j]);
                }
            }
        }
    }
}
