using System.Diagnostics;
using ContinualSegment.Dicom.IO;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Training;
using Microsoft.Extensions.Logging;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Datasets;

/// <summary>
/// The epoch loop of a dataset run: every step draws fresh (augmented) patches, so the patch stream is
/// a function of (seed, epoch) only and a resumed run sees the same patches as an uninterrupted one.
/// A checkpoint is written after every epoch (the weights of everything trained and the optimiser's state, so a resumed
/// run ends with the weights of an uninterrupted one). Steps run on the device of the bank's parameters in
/// <see cref="TrainingOptions.Precision"/>; a resumed loss-scaled (float16) run continues from the loss scale and
/// growth tracker the checkpoint recorded.
/// </summary>
public sealed class PatchTrainingLoop
{
    private readonly TrainingRunOptions options;
    private readonly Func<TrainingOptions, DecoderBank, PrecisionContext> precisionFor;
    private readonly ILogger logger;

    /// <summary>Creates the loop; <paramref name="options"/> are validated.</summary>
    public PatchTrainingLoop(TrainingRunOptions options)
        : this(options, PrecisionContext.For)
    {
    }

    /// <summary>Creates the loop with its own way of making the precision context of a run (tests of loss scaling on the CPU).</summary>
    internal PatchTrainingLoop(TrainingRunOptions options, Func<TrainingOptions, DecoderBank, PrecisionContext> precisionFor)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(precisionFor);
        options.Validate();
        this.options = options;
        this.precisionFor = precisionFor;
        logger = options.LoggerFactory.CreateLogger<PatchTrainingLoop>();
    }

    /// <summary>
    /// Trains decoder <paramref name="decoderId"/> of <paramref name="bank"/> (with the encoder when
    /// <paramref name="trainEncoder"/>) on patches from <paramref name="sampler"/>.
    /// </summary>
    /// <param name="checkpointDirectory">Where the checkpoint is written (and read when resuming); null = none.</param>
    public IReadOnlyList<EpochReport> Run(
        DecoderBank bank,
        string decoderId,
        bool trainEncoder,
        PatchSampler sampler,
        IReadOnlyList<TrainingSample> validation,
        string? checkpointDirectory,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
        => Run(bank, decoderId, trainEncoder, null, sampler, validation, checkpointDirectory, progress, cancellationToken);

    /// <summary>
    /// Trains decoder <paramref name="decoderId"/> of <paramref name="bank"/> (with the encoder when
    /// <paramref name="trainEncoder"/>) on patches from <paramref name="sampler"/>; with <paramref name="distillation"/>
    /// (Learning without Forgetting) the earlier decoders it names are trained too, by distillation from its teacher. The
    /// optimiser holds the encoder's parameters (when it trains), then the decoder's, then the distilled decoders'
    /// in the distillation's order; the checkpoint holds all of them and the optimiser's state.
    /// </summary>
    /// <param name="bank">The bank being trained.</param>
    /// <param name="decoderId">The decoder trained on the labels.</param>
    /// <param name="trainEncoder">Whether the encoder is trained too.</param>
    /// <param name="distillation">The earlier decoders distilled and their teacher (on the bank's device); null = none.</param>
    /// <param name="sampler">The training patches.</param>
    /// <param name="validation">Patches the decoder's Dice is measured on after every epoch (none: NaN).</param>
    /// <param name="checkpointDirectory">Where the checkpoint is written (and read when resuming); null = none.</param>
    /// <param name="progress">Told after every epoch.</param>
    /// <param name="cancellationToken">Stops the run between steps; the last epoch's checkpoint stays.</param>
    public IReadOnlyList<EpochReport> Run(
        DecoderBank bank,
        string decoderId,
        bool trainEncoder,
        LwfDistillation? distillation,
        PatchSampler sampler,
        IReadOnlyList<TrainingSample> validation,
        string? checkpointDirectory,
        IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bank);
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(validation);
        var decoder = bank.GetDecoder(decoderId);
        var t = options.Training;
        var augmenter = new PatchAugmenter(options.Augmentation);
        var device = PrecisionContext.DeviceOf(bank);
        var distilledIds = distillation?.DecoderIds ?? [];
        var distilled = distilledIds.Select(bank.GetDecoder).ToArray();
        if (distillation is not null)
        {
            if (distilledIds.Contains(decoderId, StringComparer.Ordinal))
            {
                throw new ArgumentException($"decoder '{decoderId}' is trained on the labels and cannot be distilled too", nameof(distillation));
            }

            var teacherDevice = PrecisionContext.DeviceOf(distillation.Teacher);
            if (teacherDevice.type != device.type || teacherDevice.index != device.index)
            {
                throw new ArgumentException($"the distillation teacher is on {teacherDevice}, the bank on {device}", nameof(distillation));
            }
        }

        var precision = precisionFor(t, bank);
        bank.FreezeEncoder(!trainEncoder);
        var parameters = (trainEncoder ? bank.Encoder.parameters().Concat(decoder.parameters()) : decoder.parameters()).Concat(distilled.SelectMany(d => d.parameters())).ToList();
        using var optimizer = CreateOptimizer(parameters);
        var reports = new List<EpochReport>();
        var start = 0;
        if (options.Resume && checkpointDirectory is not null && TrainingCheckpoint.Exists(checkpointDirectory))
        {
            var state = TrainingCheckpoint.Load(checkpointDirectory);
            if (state.DecoderId != decoderId || state.TrainEncoder != trainEncoder || state.Seed != t.Seed || state.TotalEpochs != t.Epochs
                || !state.DistilledDecoders.SequenceEqual(distilledIds, StringComparer.Ordinal)
                || state.DistillationTemperature != distillation?.Temperature || state.DistillationWeight != distillation?.Weight)
            {
                throw new InvalidOperationException(
                    $"the checkpoint in {checkpointDirectory} is for decoder '{state.DecoderId}' (encoder trained: {state.TrainEncoder}, seed {state.Seed}, {state.TotalEpochs} epochs{Distilled(state.DistilledDecoders, state.DistillationTemperature, state.DistillationWeight)}), "
                    + $"not for this run (decoder '{decoderId}', encoder trained: {trainEncoder}, seed {t.Seed}, {t.Epochs} epochs{Distilled(distilledIds, distillation?.Temperature, distillation?.Weight)})");
            }

            if (trainEncoder)
            {
                bank.Encoder.load(Path.Combine(checkpointDirectory, "encoder.bin"));
            }

            decoder.load(Path.Combine(checkpointDirectory, "decoder.bin"));
            foreach (var d in distilled)
            {
                d.load(TrainingCheckpoint.DistilledPath(checkpointDirectory, d.Plan.Id));
            }

            optimizer.load_state_dict(Path.Combine(checkpointDirectory, "optimizer.bin"));
            if (precision.Scaler is { } scaler && state.LossScaler is { } stored)
            {
                try
                {
                    scaler.Restore(stored);
                }
                catch (ArgumentOutOfRangeException ex)
                {
                    throw new InvalidOperationException($"the checkpoint in {checkpointDirectory} has a loss scaler state this run cannot continue: {ex.Message}", ex);
                }
            }
            start = state.EpochsCompleted;
            reports.AddRange(state.Reports);
        }

        var clock = Stopwatch.StartNew();
        var patch = sampler.PatchSize;
        for (var epoch = start; epoch < t.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            torch.manual_seed(unchecked((t.Seed * 1_000_003L) + epoch));
            var random = new Random(unchecked((t.Seed * 7919) + (epoch * 104_729)));
            var lr = t.LearningRate * Math.Pow(1.0 - ((double)epoch / t.Epochs), t.PolyPower);
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = lr;
            }

            bank.train();
            double lossSum = 0;
            for (var step = 0; step < options.IterationsPerEpoch; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var images = new Tensor[t.BatchSize];
                var labels = new Tensor[t.BatchSize];
                for (var b = 0; b < t.BatchSize; b++)
                {
                    var p = sampler.Sample(random);
                    var img = tensor(p.Image).reshape(p.Image.Length / (patch[0] * patch[1] * patch[2]), patch[0], patch[1], patch[2]);
                    var lab = tensor(p.Labels.Select(v => (long)v).ToArray()).reshape(patch[0], patch[1], patch[2]);
                    (images[b], labels[b]) = augmenter.Apply(img, lab, random);
                }

                var imageBatch = stack(images).to(device);
                var labelBatch = stack(labels).to(device);
                lossSum += Trainer.Step(bank, decoder, trainEncoder, precision, optimizer, parameters, imageBatch, labelBatch, t.Optimizer == OptimizerKind.SgdPoly ? Trainer.MaxGradNorm : null, distillation);
            }

            var dice = validation.Count > 0 ? Trainer.Evaluate(bank, decoderId, validation) : double.NaN;
            var report = new EpochReport(epoch + 1, lossSum / options.IterationsPerEpoch, dice, lr);
            reports.Add(report);
            if (checkpointDirectory is not null)
            {
                SaveCheckpoint(checkpointDirectory, bank, decoder, distillation, optimizer, trainEncoder, decoderId, epoch + 1, reports, precision.Scaler?.State);
            }

            Log.EpochCompleted(logger, decoderId, report.Epoch, t.Epochs, report.TrainingLoss, report.ValidationDice, report.LearningRate);
            var done = epoch + 1 - start;
            var perEpoch = clock.Elapsed / done;
            progress?.Report(new TrainingProgress(report, t.Epochs, clock.Elapsed, perEpoch * (t.Epochs - epoch - 1)) { History = [.. reports] });
        }

        bank.eval();
        return reports;
    }

    private void SaveCheckpoint(string directory, DecoderBank bank, Decoder decoder, LwfDistillation? distillation, OptimizerHelper optimizer, bool trainEncoder, string decoderId, int completed, List<EpochReport> reports, LossScalerState? lossScaler)
    {
        Directory.CreateDirectory(directory);
        if (trainEncoder)
        {
            DurableFile.ReplaceFromPath(Path.Combine(directory, "encoder.bin"), temporary => bank.Encoder.save(temporary));
        }

        DurableFile.ReplaceFromPath(Path.Combine(directory, "decoder.bin"), temporary => decoder.save(temporary));
        foreach (var id in distillation?.DecoderIds ?? [])
        {
            var path = TrainingCheckpoint.DistilledPath(directory, id);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            DurableFile.ReplaceFromPath(path, temporary => bank.GetDecoder(id).save(temporary));
        }

        DurableFile.ReplaceFromPath(Path.Combine(directory, "optimizer.bin"), temporary => optimizer.save_state_dict(temporary));
        new TrainingCheckpoint
        {
            DecoderId = decoderId,
            TrainEncoder = trainEncoder,
            EpochsCompleted = completed,
            TotalEpochs = options.Training.Epochs,
            Seed = options.Training.Seed,
            Reports = [.. reports],
            LossScaler = lossScaler,
            DistilledDecoders = [.. distillation?.DecoderIds ?? []],
            DistillationTemperature = distillation?.Temperature,
            DistillationWeight = distillation?.Weight,
        }.Save(directory);
    }

    private static string Distilled(IReadOnlyList<string> ids, double? temperature, double? weight)
        => ids.Count == 0 ? string.Empty : FormattableString.Invariant($", distilling {string.Join(", ", ids)} at temperature {temperature} and weight {weight}");

    private OptimizerHelper CreateOptimizer(List<Parameter> parameters)
    {
        var t = options.Training;
        return t.Optimizer switch
        {
            OptimizerKind.SgdPoly => torch.optim.SGD(parameters, t.LearningRate, momentum: t.Momentum, weight_decay: t.WeightDecay, nesterov: t.Momentum > 0),
            _ => torch.optim.AdamW(parameters, t.LearningRate, weight_decay: t.WeightDecay),
        };
    }
}
