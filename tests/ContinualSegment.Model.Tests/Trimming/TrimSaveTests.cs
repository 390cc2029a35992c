using ContinualSegment.Model.Packages;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Training;
using ContinualSegment.Model.Trimming;

namespace ContinualSegment.Model.Tests.Trimming;

[Collection(TrimCollection.Name)]
public sealed class TrimSaveTests(TrimFixture fixture) : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "cseg-trim-" + Guid.NewGuid().ToString("N"));

    private static TrimOptions Quick(string? studentId) => new()
    {
        Population = 2,
        Candidates = 2,
        TournamentSize = 1,
        SearchSteps = 2,
        Finalists = 1,
        MaxRelativeDiceDrop = 1,
        LatencyWarmup = 0,
        LatencyRepeats = 1,
        StudentId = studentId,
        Seed = 9,
        Distillation = new DistillationOptions { Steps = 3, Seed = 9 },
    };

    [Fact]
    public async Task An_accepted_student_is_saved_as_a_new_decoder_or_as_a_replacement_and_loads_back()
    {
        ModelStore.Save(fixture.Bank, fixture.Plan, directory);
        var encoderBytes = File.ReadAllBytes(Path.Combine(directory, ModelStore.EncoderFileName));
        var training = fixture.Training.Take(2).ToList();
        var provenance = new TrainingProvenance { Dataset = "dark-cubes", Cases = 6, TrainedAt = DateTimeOffset.UnixEpoch, SoftwareVersion = "0.1.0", Seed = 3 };
        ModelDirectory.WriteRecord(directory, "dark", new DecoderRecord { Provenance = provenance, Metrics = new Dictionary<string, double> { ["validationDice"] = 0.5 }, Mode = "continual" });
        var trimmedAt = new DateTimeOffset(2026, 12, 7, 16, 0, 0, TimeSpan.Zero);

        using (var added = await DecoderTrimmer.TrimAsync(directory, "dark", training, fixture.Validation, Quick("dark-small")))
        {
            Assert.True(added.Result.Accepted);
            var plan = await DecoderTrimmer.SaveStudentAsync(directory, added, new FixedTime(trimmedAt), CancellationToken.None);
            Assert.Equal(["dark", "dark-small"], plan.Decoders.Select(d => d.Id));

            // The student's record: the teacher's data and mode, made now, with the trimming's own metrics.
            var record = await ModelDirectory.ReadRecordAsync(directory, "dark-small", CancellationToken.None);
            Assert.NotNull(record);
            Assert.Equal(provenance with { TrainedAt = trimmedAt }, record.Provenance);
            Assert.Equal("continual", record.Mode);
            Assert.Equal(added.Result.StudentDice, record.Metrics["validationDice"], 9);
            Assert.Equal(added.Result.TeacherDice, record.Metrics["teacherValidationDice"], 9);
            Assert.Equal(added.Result.After.Parameters, record.Metrics["parameters"]);
            Assert.Equal(0.5, (await ModelDirectory.ReadRecordAsync(directory, "dark", CancellationToken.None))!.Metrics["validationDice"]);
            using var model = ModelStore.Load(directory);
            Assert.Equal(DecoderTrimmer.Describe(added.Result.Genotype), DecoderTrimmer.Describe(model.Plan.FindDecoder("dark-small")!.Genotype));
            Assert.Equal(added.Result.StudentDice, Trainer.Evaluate(model.Bank, "dark-small", fixture.Validation), 9);
            Assert.Equal(DecoderTrimmer.Describe(fixture.Plan.Decoders[0].Genotype), DecoderTrimmer.Describe(model.Plan.FindDecoder("dark")!.Genotype));
        }

        using (var replaced = await DecoderTrimmer.TrimAsync(directory, "dark", training, fixture.Validation, Quick(null)))
        {
            var plan = await DecoderTrimmer.SaveStudentAsync(directory, replaced, TimeProvider.System, CancellationToken.None);
            Assert.Equal(["dark", "dark-small"], plan.Decoders.Select(d => d.Id));
            using var model = ModelStore.Load(directory);
            Assert.Equal(DecoderTrimmer.Describe(replaced.Result.Genotype), DecoderTrimmer.Describe(model.Plan.FindDecoder("dark")!.Genotype));
            Assert.Equal(replaced.Result.StudentDice, Trainer.Evaluate(model.Bank, "dark", fixture.Validation), 9);
            Assert.True(replaced.Result.After.Parameters < replaced.Result.Before.Parameters);
        }

        Assert.Equal(encoderBytes, File.ReadAllBytes(Path.Combine(directory, ModelStore.EncoderFileName)));
        Assert.Empty(Directory.GetFiles(directory, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_kept_full_decoder_is_not_saved()
    {
        var options = Quick(null);
        options.MaxRelativeDiceDrop = 0;
        options.WidthMultipliers = [0.25];
        options.BlockTypes = [Plans.BlockType.DepthwiseSeparable];
        ModelStore.Save(fixture.Bank, fixture.Plan, directory);
        using var outcome = DecoderTrimmer.Trim(fixture.Bank, "dark", fixture.Training.Take(2).ToList(), fixture.Validation, options);

        Assert.False(outcome.Result.Accepted);
        await Assert.ThrowsAsync<InvalidOperationException>(() => DecoderTrimmer.SaveStudentAsync(directory, outcome, TimeProvider.System, CancellationToken.None));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
