using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Training;
using TorchSharp;

namespace ContinualSegment.Model.Tests.Datasets;

public sealed class TrainingRunOptionsTests
{
    [Fact]
    public void Out_of_range_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingRunOptions { IterationsPerEpoch = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingRunOptions { ForegroundFraction = 1.2 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingRunOptions { ValidationFraction = 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingRunOptions { Augmentation = new AugmentationOptions { MirrorProbability = 2 } }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingRunOptions { Training = new TrainingOptions { Epochs = 0 } }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingRunOptions { Mode = (ContinualTrainingMode)7 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingRunOptions { LwfTemperature = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingRunOptions { LwfWeight = -1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingRunOptions { LwfWeight = double.PositiveInfinity }.Validate());
        new TrainingRunOptions().Validate();
        new TrainingRunOptions { Mode = ContinualTrainingMode.Lwf, LwfTemperature = 4, LwfWeight = 0 }.Validate();
        Assert.Equal(ContinualTrainingMode.Continual, new TrainingRunOptions().Mode);
        AugmentationOptions.None.Validate();
    }

    [Fact]
    public void A_checkpoint_of_another_run_is_refused_on_resume()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cseg-ckpt-" + Guid.NewGuid().ToString("N"));
        try
        {
            new TrainingCheckpoint { DecoderId = "other", TrainEncoder = true, EpochsCompleted = 1, TotalEpochs = 2, Seed = 1 }.Save(dir);
            torch.manual_seed(1);
            using var bank = new DecoderBank(TinyPlans.Plan());
            var c = SyntheticCases.Cube("a", 16, 16, 16, (4, 4, 4), 4);
            var sampler = new PatchSampler([c], [16, 16, 16]);
            var loop = new PatchTrainingLoop(new TrainingRunOptions { Resume = true, IterationsPerEpoch = 1, Training = new TrainingOptions { Epochs = 2, Seed = 1 } });
            var ex = Assert.Throws<InvalidOperationException>(() => loop.Run(bank, "wholebody", true, sampler, [], dir, null, CancellationToken.None));
            Assert.Contains("other", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
