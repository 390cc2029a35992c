using System.Text.Json.Nodes;
using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Tests.Datasets;
using ContinualSegment.Model.Training;
using TorchSharp;

namespace ContinualSegment.Model.Tests.Training;

/// <summary>
/// A loss-scaled run's scaler state travels through the checkpoint. The CPU has no float16 training, so these runs
/// scale the loss of float32 steps: the scaler's bookkeeping is the same.
/// </summary>
public sealed class LossScalerCheckpointTests : IDisposable
{
    private const double InitialScale = 8;
    private const int GrowthInterval = 3;
    private const int StepsPerEpoch = 4;

    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-scaler-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public void A_resumed_run_continues_the_loss_scale_and_growth_tracker_of_the_checkpoint()
    {
        var straight = Train(Path.Combine(dir.FullName, "straight"), resume: false, stopAfterEpoch: null);
        var checkpoint = Path.Combine(dir.FullName, "interrupted");
        Assert.ThrowsAny<OperationCanceledException>(() => Train(checkpoint, resume: false, stopAfterEpoch: 1));

        var saved = TrainingCheckpoint.Load(checkpoint);
        Assert.Equal(1, saved.EpochsCompleted);
        var expectedAfterOneEpoch = Replay(StepsPerEpoch);
        Assert.Equal(expectedAfterOneEpoch, saved.LossScaler);
        Assert.NotEqual(InitialScale, saved.LossScaler!.Scale);
        Assert.NotEqual(0, saved.LossScaler.GoodSteps);

        var histories = new List<int[]>();
        var resumed = Train(checkpoint, resume: true, stopAfterEpoch: null, p => histories.Add([.. p.History.Select(r => r.Epoch)]));

        // The resumed run reports its whole history, the epoch before the interruption included (the learning curve).
        Assert.Equal([1, 2], Assert.Single(histories));
        Assert.Equal(Replay(2 * StepsPerEpoch), straight);
        Assert.Equal(straight, resumed);
        Assert.Equal(straight, TrainingCheckpoint.Load(checkpoint).LossScaler);
    }

    [Fact]
    public void A_checkpoint_without_a_scaler_state_still_loads_and_resumes_from_the_initial_scale()
    {
        var checkpoint = Path.Combine(dir.FullName, "old");
        Assert.ThrowsAny<OperationCanceledException>(() => Train(checkpoint, resume: false, stopAfterEpoch: 1));
        var path = Path.Combine(checkpoint, TrainingCheckpoint.StateFileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.True(json.Remove(nameof(TrainingCheckpoint.LossScaler)));
        File.WriteAllText(path, json.ToJsonString());

        var old = TrainingCheckpoint.Load(checkpoint);
        Assert.Null(old.LossScaler);
        Assert.Equal(1, old.EpochsCompleted);

        var resumed = Train(checkpoint, resume: true, stopAfterEpoch: null);

        Assert.Equal(Replay(StepsPerEpoch), resumed);
    }

    [Fact]
    public void A_checkpoint_with_an_invalid_scaler_state_is_refused()
    {
        new TrainingCheckpoint { DecoderId = "wholebody", EpochsCompleted = 1, TotalEpochs = 2, LossScaler = new LossScalerState(-4, 0, 0) }.Save(dir.FullName);

        var ex = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Load(dir.FullName));
        Assert.Contains("loss scaler", ex.Message, StringComparison.Ordinal);

        var scaler = new DynamicLossScaler(InitialScale, growthInterval: GrowthInterval);
        Assert.Throws<ArgumentOutOfRangeException>(() => scaler.Restore(new LossScalerState(16, GrowthInterval, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => scaler.Restore(new LossScalerState(double.NaN, 0, 0)));
        Assert.Equal(new LossScalerState(InitialScale, 0, 0), scaler.State);
        scaler.Restore(new LossScalerState(64, 2, 5));
        Assert.Equal(new LossScalerState(64, 2, 5), scaler.State);
    }

    /// <summary>The state a fresh scaler reaches after <paramref name="goodSteps"/> finite steps.</summary>
    private static LossScalerState Replay(int goodSteps)
    {
        var scaler = new DynamicLossScaler(InitialScale, growthInterval: GrowthInterval);
        for (var i = 0; i < goodSteps; i++)
        {
            scaler.Update(gradientsFinite: true);
        }

        return scaler.State;
    }

    /// <summary>Two epochs of the patch loop with a loss scaler; returns the scaler's state at the end.</summary>
    private static LossScalerState Train(string checkpoint, bool resume, int? stopAfterEpoch, Action<TrainingProgress>? seen = null)
    {
        torch.manual_seed(5);
        using var bank = new DecoderBank(TinyPlans.Plan());
        var sampler = new PatchSampler([SyntheticCases.Cube("a", 16, 16, 16, (4, 4, 4), 6)], [16, 16, 16], foregroundFraction: 0.5, seed: 3);
        var options = new TrainingRunOptions
        {
            Resume = resume,
            IterationsPerEpoch = StepsPerEpoch,
            Augmentation = AugmentationOptions.None,
            Training = new TrainingOptions { Epochs = 2, BatchSize = 1, Optimizer = OptimizerKind.AdamW, LearningRate = 0.01, Seed = 7 },
        };
        var scaler = new DynamicLossScaler(InitialScale, growthInterval: GrowthInterval);
        var loop = new PatchTrainingLoop(options, (t, b) => PrecisionContext.WithLossScaler(t.Precision, PrecisionContext.DeviceOf(b).type, scaler));
        using var cts = new CancellationTokenSource();
        var progress = new Progress(p =>
        {
            seen?.Invoke(p);
            if (p.Report.Epoch == stopAfterEpoch)
            {
                cts.Cancel();
            }
        });
        loop.Run(bank, "wholebody", trainEncoder: true, sampler, [], checkpoint, progress, cts.Token);
        Assert.Equal(0, scaler.SkippedSteps);
        return scaler.State;
    }

    private sealed class Progress(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }
}
