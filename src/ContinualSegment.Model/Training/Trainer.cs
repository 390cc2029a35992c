using ContinualSegment.Model.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.Training;

/// <summary>
/// Trains on in-memory patches. <see cref="TrainBase"/> trains the encoder together with the first
/// decoder; <see cref="TrainContinual"/> trains one decoder on the frozen encoder and touches no other
/// weight (the optimiser only ever holds that decoder's parameters). Training runs on the device of
/// the bank's parameters (samples are moved there) in <see cref="TrainingOptions.Precision"/>.
/// <see cref="Step"/> is also the step of the dataset runs (<see cref="Datasets.PatchTrainingLoop"/>), including
/// their baseline modes (<see cref="ContinualTrainingMode"/>).
/// </summary>
public sealed class Trainer
{
    /// <summary>The gradient-norm limit of SGD steps.</summary>
    public const double MaxGradNorm = 12;

    private readonly TrainingOptions options;

    /// <summary>Creates a trainer; <paramref name="options"/> are validated.</summary>
    public Trainer(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
    }

    /// <summary>Trains the encoder and decoder <paramref name="decoderId"/> together (the base task).</summary>
    public IReadOnlyList<EpochReport> TrainBase(
        DecoderBank bank,
        string decoderId,
        IReadOnlyList<TrainingSample> training,
        IReadOnlyList<TrainingSample>? validation = null,
        Action<EpochReport>? onEpoch = null,
        CancellationToken cancellationToken = default)
        => Train(bank, decoderId, trainEncoder: true, training, validation, onEpoch, cancellationToken);

    /// <summary>Freezes the encoder and trains decoder <paramref name="decoderId"/> alone (a continual step).</summary>
    public IReadOnlyList<EpochReport> TrainContinual(
        DecoderBank bank,
        string decoderId,
        IReadOnlyList<TrainingSample> training,
        IReadOnlyList<TrainingSample>? validation = null,
        Action<EpochReport>? onEpoch = null,
        CancellationToken cancellationToken = default)
        => Train(bank, decoderId, trainEncoder: false, training, validation, onEpoch, cancellationToken);

    /// <summary>Mean foreground Dice of decoder <paramref name="decoderId"/> over <paramref name="samples"/> (arg-max predictions).</summary>
    public static double Evaluate(DecoderBank bank, string decoderId, IReadOnlyList<TrainingSample> samples)
    {
        ArgumentNullException.ThrowIfNull(bank);
        ArgumentNullException.ThrowIfNull(samples);
        var decoder = bank.GetDecoder(decoderId);
        var classes = decoder.Plan.OutputChannels;
        var device = PrecisionContext.DeviceOf(bank);
        var scores = new List<double>();
        var wasTraining = bank.training;
        bank.eval();
        try
        {
            using var noGrad = no_grad();
            foreach (var s in samples)
            {
                using var scope = NewDisposeScope();
                var logits = bank.RunDecoders(s.Image.unsqueeze(0).to(device), [decoderId])[decoderId];
                var predicted = logits.argmax(1).squeeze(0).cpu().contiguous().data<long>().ToArray();
                var truth = s.Labels.to(ScalarType.Int64).contiguous().data<long>().ToArray();
                scores.Add(SegmentationMetrics.MeanIgnoringNaN(SegmentationMetrics.Dice(predicted, truth, classes)));
            }
        }
        finally
        {
            bank.train(wasTraining);
        }

        return SegmentationMetrics.MeanIgnoringNaN(scores);
    }

    private List<EpochReport> Train(
        DecoderBank bank,
        string decoderId,
        bool trainEncoder,
        IReadOnlyList<TrainingSample> training,
        IReadOnlyList<TrainingSample>? validation,
        Action<EpochReport>? onEpoch,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bank);
        ArgumentNullException.ThrowIfNull(training);
        if (training.Count == 0)
        {
            throw new ArgumentException("no training samples", nameof(training));
        }

        var decoder = bank.GetDecoder(decoderId);
        CheckSamples(bank, decoder, training, nameof(training));
        if (validation is not null)
        {
            CheckSamples(bank, decoder, validation, nameof(validation));
        }

        torch.manual_seed(options.Seed);
        var random = new Random(options.Seed);
        var device = PrecisionContext.DeviceOf(bank);
        var precision = PrecisionContext.For(options, bank);
        bank.FreezeEncoder(!trainEncoder);
        var parameters = (trainEncoder ? bank.Encoder.parameters().Concat(decoder.parameters()) : decoder.parameters()).ToList();
        using var optimizer = CreateOptimizer(parameters);
        var reports = new List<EpochReport>(options.Epochs);
        var order = Enumerable.Range(0, training.Count).ToArray();
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var lr = options.LearningRate * Math.Pow(1.0 - ((double)epoch / options.Epochs), options.PolyPower);
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = lr;
            }

            random.Shuffle(order);
            bank.train();
            double lossSum = 0;
            var steps = 0;
            for (var start = 0; start < order.Length; start += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var batch = order.Skip(start).Take(options.BatchSize).ToArray();
                var images = stack(batch.Select(i => training[i].Image).ToArray()).to(device);
                var labels = stack(batch.Select(i => training[i].Labels.to(ScalarType.Int64)).ToArray()).to(device);
                lossSum += Step(bank, decoder, trainEncoder, precision, optimizer, parameters, images, labels, options.Optimizer == OptimizerKind.SgdPoly ? MaxGradNorm : null);
                steps++;
            }

            var dice = validation is { Count: > 0 } ? Evaluate(bank, decoderId, validation) : double.NaN;
            var report = new EpochReport(epoch + 1, lossSum / steps, dice, lr);
            reports.Add(report);
            onEpoch?.Invoke(report);
        }

        bank.eval();
        return reports;
    }

    private OptimizerHelper CreateOptimizer(List<Parameter> parameters) => options.Optimizer switch
    {
        OptimizerKind.SgdPoly => torch.optim.SGD(parameters, options.LearningRate, momentum: options.Momentum, weight_decay: options.WeightDecay, nesterov: options.Momentum > 0),
        _ => torch.optim.AdamW(parameters, options.LearningRate, weight_decay: options.WeightDecay),
    };

    private static void CheckSamples(DecoderBank bank, Decoder decoder, IReadOnlyList<TrainingSample> samples, string name)
    {
        var maxLabel = decoder.Plan.OutputChannels - 1;
        foreach (var s in samples)
        {
            ArgumentNullException.ThrowIfNull(s, name);
            if (s.Image.dim() != 4 || s.Image.shape[0] != bank.InputChannels || s.Labels.dim() != 3 || !s.Image.shape.Skip(1).SequenceEqual(s.Labels.shape))
            {
                throw new ArgumentException($"a sample has image [{string.Join(',', s.Image.shape)}] and labels [{string.Join(',', s.Labels.shape)}]; expected [{bank.InputChannels},D,H,W] and [D,H,W]", name);
            }

            using var scope = NewDisposeScope();
            var max = s.Labels.max().to(ScalarType.Int64).item<long>();
            var min = s.Labels.min().to(ScalarType.Int64).item<long>();
            if (min < 0 || max > maxLabel)
            {
                throw new ArgumentException($"a sample has labels {min}..{max}; decoder '{decoder.Plan.Id}' has labels 0..{maxLabel}", name);
            }
        }
    }

    /// <summary>
    /// One optimiser step on a batch: encoder (with gradients only when it trains) and decoder under the
    /// precision's autocast, deep-supervised Dice + CE in float32, backward and step (loss scaling, clipping).
    /// With <paramref name="distillation"/> (Learning without Forgetting) the earlier decoders it names run on the same
    /// encoder features and its term (against its frozen teacher's logits for the same images) is added to the loss;
    /// <paramref name="parameters"/> then hold their parameters too.
    /// </summary>
    /// <returns>The batch loss.</returns>
    internal static float Step(DecoderBank bank, Decoder decoder, bool trainEncoder, PrecisionContext precision, OptimizerHelper optimizer, IReadOnlyList<Parameter> parameters, Tensor images, Tensor labels, double? maxGradNorm, LwfDistillation? distillation = null)
    {
        optimizer.zero_grad();
        IReadOnlyList<Tensor> outputs;
        IReadOnlyList<Tensor> earlier = [];
        using (precision.Autocast())
        {
            IReadOnlyList<Tensor> skips;
            if (trainEncoder)
            {
                skips = bank.Encoder.forward(images);
            }
            else
            {
                using var noGrad = no_grad();
                skips = bank.Encoder.forward(images);
            }

            outputs = decoder.ForwardWithAuxiliary(skips);
            if (distillation is not null)
            {
                earlier = [.. distillation.DecoderIds.Select(id => bank.GetDecoder(id).forward(skips))];
            }
        }

        var loss = DiceCrossEntropyLoss.ComputeDeepSupervised(precision.ForLoss(outputs), labels);
        if (distillation is not null)
        {
            var remembered = distillation.TeacherLogits(images, precision);
            loss = loss.Plus(distillation.Loss(precision.ForLoss(earlier), precision.ForLoss(remembered)));
        }

        precision.BackwardAndStep(loss, optimizer, parameters, maxGradNorm);
        return loss.item<float>();
    }
}
