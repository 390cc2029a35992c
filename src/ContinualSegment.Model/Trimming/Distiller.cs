using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Training;
using TorchSharp;
using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.Trimming;

/// <summary>
/// Teacher–student distillation of a decoder on a frozen encoder: the student learns from the frozen
/// teacher's temperature-softened logits and from the labels. Only the student's parameters are
/// ever given to the optimiser; the encoder and the teacher run without gradients.
/// </summary>
public sealed class Distiller
{
    private readonly DistillationOptions options;
    private readonly TrainingPrecision precision;

    /// <summary>Creates a distiller; <paramref name="options"/> are validated.</summary>
    /// <param name="options">Steps, learning rate, temperature and loss weights.</param>
    /// <param name="precision">Float32 (default) or mixed precision for the student's forward pass (see <see cref="PrecisionContext"/>).</param>
    public Distiller(DistillationOptions options, TrainingPrecision precision = TrainingPrecision.Float32)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!Enum.IsDefined(precision))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown precision");
        }

        this.options = options;
        this.precision = precision;
    }

    /// <summary>
    /// T²·KL(softmax(teacher/T) ‖ softmax(student/T)): summed over the class axis (1), averaged over
    /// the batch and all voxels. Zero exactly when the two logit tensors are equal (<see cref="KnowledgeDistillation.Loss"/>).
    /// </summary>
    public static Tensor KnowledgeDistillationLoss(Tensor studentLogits, Tensor teacherLogits, double temperature)
        => KnowledgeDistillation.Loss(studentLogits, teacherLogits, temperature);

    /// <summary>
    /// Distils decoder <paramref name="teacherId"/> of <paramref name="bank"/> into <paramref name="student"/>
    /// (a decoder built for the bank's encoder plan with the same classes). The bank is not changed.
    /// </summary>
    /// <returns>The mean loss of every step.</returns>
    public IReadOnlyList<double> Distill(DecoderBank bank, string teacherId, Decoder student, IReadOnlyList<TrainingSample> training, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bank);
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(training);
        var teacher = bank.GetDecoder(teacherId);
        DecoderTrimmer.CheckSamples(bank, teacher, training, nameof(training), requireAny: true);
        if (student.Plan.OutputChannels != teacher.Plan.OutputChannels)
        {
            throw new ArgumentException($"the student has {student.Plan.OutputChannels} outputs, the teacher {teacher.Plan.OutputChannels}", nameof(student));
        }

        using var cache = FeatureCache.Build(bank.Encoder, teacher, training, long.MaxValue, cancellationToken);
        return Distill(student, cache, cancellationToken);
    }

    internal IReadOnlyList<double> Distill(Decoder student, FeatureCache cache, CancellationToken cancellationToken)
    {
        var random = new Random(options.Seed);
        var context = PrecisionContext.Create(precision, PrecisionContext.DeviceOf(student).type);
        var parameters = student.parameters().ToList();
        using var optimizer = torch.optim.AdamW(parameters, options.LearningRate, weight_decay: options.WeightDecay);
        var losses = new List<double>(options.Steps);
        var order = Enumerable.Range(0, cache.Count).ToArray();
        var position = order.Length;
        student.train();
        for (var step = 0; step < options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var lr = options.LearningRate * Math.Pow(1.0 - ((double)step / options.Steps), 0.9);
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = lr;
            }

            var batch = new List<int>(options.BatchSize);
            while (batch.Count < Math.Min(options.BatchSize, order.Length))
            {
                if (position == order.Length)
                {
                    random.Shuffle(order);
                    position = 0;
                }

                batch.Add(order[position++]);
            }

            using var scope = NewDisposeScope();
            var (skips, teacherLogits, labels) = cache.Batch(batch);
            optimizer.zero_grad();
            IReadOnlyList<Tensor> outputs;
            using (context.Autocast())
            {
                // With deep supervision the coarser stages learn from the labels at their own resolution too, as in
                // training: a student that starts far from its teacher gets going several times faster.
                outputs = student.ForwardWithAuxiliary(skips);
            }

            outputs = context.ForLoss(outputs);
            var loss = KnowledgeDistillationLoss(outputs[0], teacherLogits, options.Temperature).Times(options.Alpha)
                .Plus(DiceCrossEntropyLoss.ComputeDeepSupervised(outputs, labels).Times(1 - options.Alpha));
            context.BackwardAndStep(loss, optimizer, parameters, maxGradNorm: null);
            losses.Add(loss.item<float>());
        }

        student.eval();
        return losses;
    }

    /// <summary>Mean foreground Dice (arg-max predictions, as <see cref="Trainer.Evaluate"/>) of <paramref name="decoder"/> on the cached patches.</summary>
    internal static double Evaluate(Decoder decoder, FeatureCache cache, bool useTeacherLogits = false)
    {
        var classes = decoder.Plan.OutputChannels;
        var scores = new List<double>(cache.Count);
        var wasTraining = decoder.training;
        decoder.eval();
        try
        {
            using var noGrad = no_grad();
            for (var i = 0; i < cache.Count; i++)
            {
                using var scope = NewDisposeScope();
                var logits = useTeacherLogits ? cache.TeacherLogits(i) : decoder.forward(cache.Skips(i));
                var predicted = logits.argmax(1).squeeze(0).cpu().contiguous().data<long>().ToArray();
                var truth = cache.Labels(i).squeeze(0).cpu().contiguous().data<long>().ToArray();
                scores.Add(SegmentationMetrics.MeanIgnoringNaN(SegmentationMetrics.Dice(predicted, truth, classes)));
            }
        }
        finally
        {
            decoder.train(wasTraining);
        }

        return SegmentationMetrics.MeanIgnoringNaN(scores);
    }
}
