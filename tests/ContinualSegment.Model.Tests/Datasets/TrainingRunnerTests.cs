using ContinualSegment.Model.BodyPart;
using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Training;
using TorchSharp;

namespace ContinualSegment.Model.Tests.Datasets;

public sealed class TrainingRunnerTests(PhantomDatasetFixture fixture) : IClassFixture<PhantomDatasetFixture>
{
    private static ModelPlan BasePlan() => TinyPlans.Plan() with { Decoders = [], TargetSpacing = [8.0, 15.0, 15.0], PatchSize = [8, 16, 16] };

    private static TrainingRunOptions Options(int epochs, int iterations, string? checkpoint = null, bool resume = false) => new()
    {
        Training = new TrainingOptions { Epochs = epochs, BatchSize = 2, Optimizer = OptimizerKind.AdamW, LearningRate = 0.01, WeightDecay = 0, Seed = 3 },
        IterationsPerEpoch = iterations,
        ValidationFraction = 0.34,
        ValidationPatchesPerCase = 1,
        ForegroundFraction = 0.5,
        CheckpointDirectory = checkpoint,
        Resume = resume,
        DecoderId = "chest",
    };

    [Fact]
    public async Task Base_training_reduces_the_loss_writes_a_loadable_model_and_accepts_a_continual_decoder()
    {
        var output = Path.Combine(fixture.Root, "base-" + Guid.NewGuid().ToString("N"));
        var lines = new List<TrainingProgress>();
        var regressorPath = Path.Combine(output, "bodypart.bin");
        torch.manual_seed(1);
        using (var regressor = new BodyPartRegressor())
        {
            regressor.SaveWeights(regressorPath);
        }

        var options = Options(6, 8);
        options.BodyPartRegressorPath = regressorPath;
        var plan = await TrainingRunner.TrainBaseAsync(fixture.DatasetDir, BasePlan(), output, options, new SyncProgress(lines.Add), CancellationToken.None);

        Assert.Equal(6, lines.Count);
        Assert.Equal(Enumerable.Range(1, 6), lines.Select(l => l.Report.Epoch));
        Assert.True(lines[^1].Report.TrainingLoss < lines[0].Report.TrainingLoss, string.Join(", ", lines.Select(l => l.Report.TrainingLoss)));
        Assert.All(lines, l => Assert.False(double.IsNaN(l.Report.ValidationDice)));
        Assert.Contains("eta", lines[0].ToConsoleLine(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.Zero, lines[^1].Remaining);

        var decoder = Assert.Single(plan.Decoders);
        Assert.Equal("chest", decoder.Id);
        Assert.Equal("chest", decoder.Task);
        Assert.Equal(fixture.Catalogue.ForTask("chest").Count, decoder.Classes.Count);
        Assert.NotEqual(BasePlan().Normalization, plan.Normalization);
        Assert.True(double.IsFinite(decoder.BodyPartRange.Min) && double.IsFinite(decoder.BodyPartRange.Max) && decoder.BodyPartRange.Min < decoder.BodyPartRange.Max, decoder.BodyPartRange.ToString());
        using (var loaded = ModelStore.Load(output))
        {
            Assert.Equal(plan.EncoderFingerprint, loaded.Plan.EncoderFingerprint);
        }

        // A continual step on the frozen encoder appends a decoder and leaves the encoder file as it was.
        var encoderBytes = await File.ReadAllBytesAsync(Path.Combine(output, ModelStore.EncoderFileName));
        var continual = Options(1, 2);
        continual.DecoderId = null;
        var updated = await TrainingRunner.TrainContinualAsync(output, fixture.DatasetDir, "chest-b", continual, null, CancellationToken.None);
        Assert.Equal(["chest", "chest-b"], updated.Decoders.Select(d => d.Id));
        Assert.Equal(plan.EncoderFingerprint, updated.Decoders[1].EncoderFingerprint);
        Assert.Equal(encoderBytes, await File.ReadAllBytesAsync(Path.Combine(output, ModelStore.EncoderFileName)));
        using var reloaded = ModelStore.Load(output);
        Assert.Equal(2, reloaded.Bank.DecoderIds.Count);
        await Assert.ThrowsAsync<ArgumentException>(() => TrainingRunner.TrainContinualAsync(output, fixture.DatasetDir, "chest-b", continual, null, CancellationToken.None));
    }

    [Fact]
    public async Task Resuming_from_a_checkpoint_matches_an_uninterrupted_run()
    {
        var straight = Path.Combine(fixture.Root, "straight-" + Guid.NewGuid().ToString("N"));
        var straightReports = new List<TrainingProgress>();
        await TrainingRunner.TrainBaseAsync(fixture.DatasetDir, BasePlan(), straight, Options(3, 3), new SyncProgress(straightReports.Add), CancellationToken.None);

        var resumed = Path.Combine(fixture.Root, "resumed-" + Guid.NewGuid().ToString("N"));
        var checkpoint = Path.Combine(resumed, "ckpt");
        using var cts = new CancellationTokenSource();
        var first = new List<TrainingProgress>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TrainingRunner.TrainBaseAsync(
            fixture.DatasetDir, BasePlan(), resumed, Options(3, 3, checkpoint), new SyncProgress(p =>
            {
                first.Add(p);
                if (p.Report.Epoch == 2)
                {
                    cts.Cancel();
                }
            }), cts.Token));
        Assert.Equal(2, first.Count);
        Assert.Equal(2, TrainingCheckpoint.Load(checkpoint).EpochsCompleted);
        Assert.False(File.Exists(Path.Combine(resumed, ModelStore.PlanFileName)));

        var second = new List<TrainingProgress>();
        await TrainingRunner.TrainBaseAsync(fixture.DatasetDir, BasePlan(), resumed, Options(3, 3, checkpoint, resume: true), new SyncProgress(second.Add), CancellationToken.None);

        Assert.Equal([3], second.Select(p => p.Report.Epoch));
        Assert.False(TrainingCheckpoint.Exists(checkpoint));
        Assert.Equal(straightReports[^1].Report, second[^1].Report);
        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(straight, ModelStore.EncoderFileName)),
            await File.ReadAllBytesAsync(Path.Combine(resumed, ModelStore.EncoderFileName)));
        Assert.Equal(
            await File.ReadAllBytesAsync(ModelStore.DecoderPath(straight, "chest")),
            await File.ReadAllBytesAsync(ModelStore.DecoderPath(resumed, "chest")));
    }

    private sealed class SyncProgress(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }
}
