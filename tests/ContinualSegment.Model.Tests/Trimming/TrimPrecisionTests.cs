using ContinualSegment.Model.Training;
using ContinualSegment.Model.Trimming;

namespace ContinualSegment.Model.Tests.Trimming;

[Collection(TrimCollection.Name)]
public sealed class TrimPrecisionTests(TrimFixture fixture)
{
    private static TrimOptions OneCandidate(TrainingPrecision precision) => new()
    {
        Population = 1,
        Candidates = 1,
        TournamentSize = 1,
        SearchSteps = 3,
        Finalists = 1,
        MaxRelativeDiceDrop = 1,
        WidthMultipliers = [0.5],
        LatencyRepeats = 1,
        LatencyWarmup = 0,
        Seed = 9,
        Precision = precision,
        Distillation = new DistillationOptions { Steps = 4, BatchSize = 2, LearningRate = 0.01, Seed = 9 },
    };

    [Fact]
    public void A_mixed_precision_trim_on_the_cpu_completes_and_its_distillation_runs_in_mixed_precision()
    {
        var training = fixture.Training.Take(2).ToList();
        var validation = fixture.Validation.Take(1).ToList();

        using var fp32 = DecoderTrimmer.Trim(fixture.Bank, "dark", training, validation, OneCandidate(TrainingPrecision.Float32));
        using var fp32Again = DecoderTrimmer.Trim(fixture.Bank, "dark", training, validation, OneCandidate(TrainingPrecision.Float32));
        if (ContinualSegment.Model.Tests.Training.MixedPrecisionTests.RefusedHere(() => DecoderTrimmer.Trim(fixture.Bank, "dark", training, validation, OneCandidate(TrainingPrecision.Mixed)).Dispose()))
        {
            return;
        }

        using var mixed = DecoderTrimmer.Trim(fixture.Bank, "dark", training, validation, OneCandidate(TrainingPrecision.Mixed));

        Assert.True(mixed.Result.Accepted, mixed.Result.Message);
        Assert.True(double.IsFinite(mixed.Result.StudentDice), mixed.Result.Message);
        Assert.Equal(DecoderTrimmer.Describe(fp32.StudentPlan.Genotype), DecoderTrimmer.Describe(mixed.StudentPlan.Genotype));

        // Same seeds, same candidate: float32 runs agree bit for bit, so any difference comes from the bfloat16 forward passes.
        var a = TrainerTests.Snapshot(fp32.Student!);
        var b = TrainerTests.Snapshot(fp32Again.Student!);
        var c = TrainerTests.Snapshot(mixed.Student!);
        Assert.All(a, kv => Assert.True(kv.Value.AsSpan().SequenceEqual(b[kv.Key]), $"{kv.Key} differs between two float32 runs"));
        Assert.Contains(a, kv => !kv.Value.AsSpan().SequenceEqual(c[kv.Key]));
        Assert.All(mixed.Student!.parameters(), p => Assert.Equal(TorchSharp.torch.ScalarType.Float32, p.dtype));
    }

    [Fact]
    public void Unknown_precision_or_device_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrimOptions { Precision = (TrainingPrecision)9 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrimOptions { Device = (TrainingDevice)9 }.Validate());
    }
}
