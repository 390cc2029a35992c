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

        using (var added = await DecoderTrimmer.TrimAsync(directory, "dark", training, fixture.Validation, Quick("dark-small")))
        {
            Assert.True(added.Result.Accepted);
            var plan = DecoderTrimmer.SaveStudent(directory, added);
            Assert.Equal(["dark", "dark-small"], plan.Decoders.Select(d => d.Id));
            using var model = ModelStore.Load(directory);
            Assert.Equal(DecoderTrimmer.Describe(added.Result.Genotype), DecoderTrimmer.Describe(model.Plan.FindDecoder("dark-small")!.Genotype));
            Assert.Equal(added.Result.StudentDice, Trainer.Evaluate(model.Bank, "dark-small", fixture.Validation), 9);
            Assert.Equal(DecoderTrimmer.Describe(fixture.Plan.Decoders[0].Genotype), DecoderTrimmer.Describe(model.Plan.FindDecoder("dark")!.Genotype));
        }

        using (var replaced = await DecoderTrimmer.TrimAsync(directory, "dark", training, fixture.Validation, Quick(null)))
        {
            var plan = DecoderTrimmer.SaveStudent(directory, replaced);
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
    public void A_kept_full_decoder_is_not_saved()
    {
        var options = Quick(null);
        options.MaxRelativeDiceDrop = 0;
        options.WidthMultipliers = [0.25];
        options.BlockTypes = [Plans.BlockType.DepthwiseSeparable];
        ModelStore.Save(fixture.Bank, fixture.Plan, directory);
        using var outcome = DecoderTrimmer.Trim(fixture.Bank, "dark", fixture.Training.Take(2).ToList(), fixture.Validation, options);

        Assert.False(outcome.Result.Accepted);
        Assert.Throws<InvalidOperationException>(() => DecoderTrimmer.SaveStudent(directory, outcome));
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
