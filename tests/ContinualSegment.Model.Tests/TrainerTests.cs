using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Training;
using TorchSharp;
using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.Tests;

public sealed class TrainerTests
{
    [Fact]
    public void Base_training_reduces_the_loss_and_segments_the_training_shapes()
    {
        torch.manual_seed(21);
        var plan = TinyPlans.Plan(TinyPlans.Decoder("shapes", "wholebody", ["box", "ball"]));
        using var bank = new DecoderBank(plan);
        var train = SyntheticShapes.Make(4, 16, taskB: false, seed: 1);
        var epochs = new List<EpochReport>();
        var trainer = new Trainer(new TrainingOptions { Epochs = 60, BatchSize = 1, Optimizer = OptimizerKind.AdamW, LearningRate = 0.01, Seed = 5 });

        var reports = trainer.TrainBase(bank, "shapes", train, train, epochs.Add);

        Assert.Equal(60, reports.Count);
        Assert.Equal(reports, epochs);
        Assert.True(reports[^1].TrainingLoss < reports[0].TrainingLoss * 0.5, string.Join(", ", reports.Select(r => r.TrainingLoss)));
        Assert.True(reports[^1].ValidationDice > 0.8, string.Join(", ", reports.Select(r => $"{r.TrainingLoss:F3}/{r.ValidationDice:F3}")));
        Assert.True(reports[^1].LearningRate < reports[0].LearningRate);
        Dispose(train);
    }

    [Fact]
    public void Continual_step_leaves_the_encoder_and_earlier_decoders_bit_identical()
    {
        torch.manual_seed(22);
        var plan = TinyPlans.Plan(TinyPlans.Decoder("shapes", "wholebody", ["box", "ball"], deepSupervision: true));
        using var bank = new DecoderBank(plan);
        var taskA = SyntheticShapes.Make(2, 16, taskB: false, seed: 2);
        new Trainer(new TrainingOptions { Epochs = 2, Optimizer = OptimizerKind.SgdPoly, Seed = 3 }).TrainBase(bank, "shapes", taskA);

        var encoderBefore = Snapshot(bank.Encoder);
        var shapesBefore = Snapshot(bank.GetDecoder("shapes"));
        var newDecoder = bank.AddDecoder(TinyPlans.Decoder("dark", "chest", ["dark_box"], new DecoderGenotype
        {
            Stages = [new DecoderStageGene { Block = BlockType.Pseudo3D }, new DecoderStageGene { Block = BlockType.SingleConv, WidthMultiplier = 0.5 }],
        }));
        var newBefore = Snapshot(newDecoder);
        var taskB = SyntheticShapes.Make(4, 16, taskB: true, seed: 4);

        var reports = new Trainer(new TrainingOptions { Epochs = 15, Optimizer = OptimizerKind.AdamW, LearningRate = 0.01, WeightDecay = 0.01, Seed = 6 })
            .TrainContinual(bank, "dark", taskB, taskB);

        Assert.All(bank.Encoder.parameters(), p => Assert.False(p.requires_grad));
        AssertSame(encoderBefore, Snapshot(bank.Encoder));
        AssertSame(shapesBefore, Snapshot(bank.GetDecoder("shapes")));
        var newAfter = Snapshot(newDecoder);
        Assert.Contains(newBefore.Keys, k => !newBefore[k].AsSpan().SequenceEqual(newAfter[k]));
        Assert.True(reports[^1].TrainingLoss < reports[0].TrainingLoss, string.Join(", ", reports.Select(r => r.TrainingLoss)));
        Dispose(taskA);
        Dispose(taskB);
    }

    [Fact]
    public void Same_seeds_give_the_same_training_run()
    {
        var samples = SyntheticShapes.Make(2, 16, taskB: false, seed: 8);
        var runs = new List<double[]>();
        for (var run = 0; run < 2; run++)
        {
            torch.manual_seed(23);
            using var bank = new DecoderBank(TinyPlans.Plan(TinyPlans.Decoder("shapes", "wholebody", ["box", "ball"])));
            var reports = new Trainer(new TrainingOptions { Epochs = 3, BatchSize = 1, Seed = 9 }).TrainBase(bank, "shapes", samples);
            runs.Add(reports.Select(r => r.TrainingLoss).ToArray());
        }

        Assert.Equal(runs[0], runs[1]);
        Dispose(samples);
    }

    [Fact]
    public void Labels_outside_the_decoders_classes_are_refused()
    {
        using var bank = new DecoderBank(TinyPlans.Plan(TinyPlans.Decoder("one", "wholebody", ["box"])));
        var samples = SyntheticShapes.Make(1, 16, taskB: false, seed: 9);
        var ex = Assert.Throws<ArgumentException>(() => new Trainer(new TrainingOptions { Epochs = 1 }).TrainBase(bank, "one", samples));
        Assert.Contains("labels 0..1", ex.Message, StringComparison.Ordinal);
        Dispose(samples);
    }

    [Fact]
    public void Options_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(new TrainingOptions { Epochs = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(new TrainingOptions { Momentum = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(new TrainingOptions { LearningRate = double.NaN }));
    }

    [Fact]
    public void Dice_loss_is_lower_for_the_right_answer()
    {
        using var scope = NewDisposeScope();
        var labels = zeros(new long[] { 1, 4, 4, 4 }, ScalarType.Int64);
        labels[TensorIndex.Colon, TensorIndex.Slice(0, 2)] = tensor(1L);
        var right = nn.functional.one_hot(labels, 2).permute(0, 4, 1, 2, 3).to(ScalarType.Float32).Times(10);
        var wrong = -right;
        Assert.True(DiceCrossEntropyLoss.Compute(right, labels).item<float>() < 0.01f);
        Assert.True(DiceCrossEntropyLoss.Compute(wrong, labels).item<float>() > 1f);
    }

    [Fact]
    public void Dice_metric_counts_overlap_per_label()
    {
        long[] truth = [0, 1, 1, 1, 2, 2, 0, 0];
        long[] pred = [0, 1, 1, 0, 2, 0, 0, 2];
        var dice = SegmentationMetrics.Dice(pred, truth, 4);
        Assert.Equal(2.0 * 2 / 5, dice[0], 9);
        Assert.Equal(2.0 * 1 / 4, dice[1], 9);
        Assert.True(double.IsNaN(dice[2]));
    }

    internal static Dictionary<string, byte[]> Snapshot(nn.Module module)
        => module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().contiguous().bytes.ToArray());

    private static void AssertSame(Dictionary<string, byte[]> before, Dictionary<string, byte[]> after)
    {
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in before)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"{name} changed");
        }
    }

    private static void Dispose(List<TrainingSample> samples)
    {
        foreach (var s in samples)
        {
            s.Image.Dispose();
            s.Labels.Dispose();
        }
    }
}
