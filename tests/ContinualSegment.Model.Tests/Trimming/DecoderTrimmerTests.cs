using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Inference;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Training;
using ContinualSegment.Model.Trimming;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Tests.Trimming;

[Collection(TrimCollection.Name)]
public sealed class DecoderTrimmerTests(TrimFixture fixture, ITestOutputHelper output)
{
    /// <summary>A search of five candidates, a few steps each, one finalist that is always accepted.</summary>
    private static TrimOptions FiveCandidates(int seed, string? journal) => new()
    {
        Population = 3,
        Candidates = 5,
        TournamentSize = 2,
        SearchSteps = 4,
        Finalists = 1,
        MaxRelativeDiceDrop = 1,
        LatencyRepeats = 1,
        LatencyWarmup = 0,
        Seed = seed,
        Distillation = new DistillationOptions { Steps = 4, Seed = 5 },
        SearchJournal = journal,
    };

    private static TrimOptions SmallSearch(int seed) => new()
    {
        Population = 4,
        Candidates = 6,
        TournamentSize = 2,
        SearchSteps = 30,
        Finalists = 2,
        WidthMultipliers = [0.5, 1.0],
        CostWeight = 0.05,
        LatencyRepeats = 5,
        Seed = seed,
        Distillation = new DistillationOptions { Steps = 150, BatchSize = 2, LearningRate = 0.01, Temperature = 2, Alpha = 0.5, Seed = seed },
    };

    [Fact]
    public async Task Trimming_returns_a_smaller_decoder_within_the_dice_rule_and_changes_neither_encoder_nor_teacher()
    {
        var encoderBefore = TrainerTests.Snapshot(fixture.Bank.Encoder);
        var teacherBefore = TrainerTests.Snapshot(fixture.Bank.GetDecoder("dark"));
        var encoderTrainable = fixture.Bank.Encoder.parameters().Select(p => p.requires_grad).ToArray();
        var reports = new List<TrimProgress>();

        using var outcome = await DecoderTrimmer.TrimAsync(fixture.Bank, "dark", fixture.Training, fixture.Validation, SmallSearch(3), reports.Add);

        var r = outcome.Result;
        output.WriteLine(r.Message);
        output.WriteLine($"teacher {DecoderTrimmer.Describe(r.TeacherGenotype)}: Dice {r.TeacherDice:F4}, {r.Before}");
        output.WriteLine($"student {DecoderTrimmer.Describe(r.Genotype)}: Dice {r.StudentDice:F4}, {r.After}");
        foreach (var c in r.Candidates)
        {
            output.WriteLine($"  {DecoderTrimmer.Describe(c.Genotype)} Dice {c.ValidationDice:F4} ratio {c.CostRatio:F3} fitness {c.Fitness:F4}");
        }

        Assert.True(r.Accepted, r.Message);
        Assert.NotNull(outcome.Student);
        Assert.True(r.After.Parameters < r.Before.Parameters);
        Assert.True(r.After.Flops < r.Before.Flops);
        Assert.True(r.After.LatencyMilliseconds > 0 && r.Before.LatencyMilliseconds > 0);
        Assert.True(r.RelativeDiceDrop <= 0.02, r.Message);
        Assert.Equal(6, r.Candidates.Count);
        Assert.Equal(r.Genotype, outcome.StudentPlan.Genotype);
        Assert.Equal(TrimPhase.Done, reports[^1].Phase);

        // Independent check of both Dice values through the encoder on the raw validation patches.
        Assert.Equal(Trainer.Evaluate(fixture.Bank, "dark", fixture.Validation), r.TeacherDice, 9);
        Assert.Equal(StudentDice(outcome.Student!), r.StudentDice, 9);
        Assert.Equal(DecoderCostMeter.CountParameters(outcome.Student!), r.After.Parameters);

        Assert.Equal(encoderTrainable, fixture.Bank.Encoder.parameters().Select(p => p.requires_grad));
        AssertSame(encoderBefore, TrainerTests.Snapshot(fixture.Bank.Encoder));
        AssertSame(teacherBefore, TrainerTests.Snapshot(fixture.Bank.GetDecoder("dark")));
    }

    [Fact]
    public void The_same_seed_chooses_the_same_genotype()
    {
        var options = () => FiveCandidates(77, journal: null);

        var runs = new List<TrimResult>();
        for (var i = 0; i < 2; i++)
        {
            using var outcome = DecoderTrimmer.Trim(fixture.Bank, "dark", fixture.Training.Take(2).ToList(), fixture.Validation.Take(1).ToList(), options());
            runs.Add(outcome.Result);
        }

        Assert.True(runs[0].Accepted);
        Assert.Equal(DecoderTrimmer.Describe(runs[0].Genotype), DecoderTrimmer.Describe(runs[1].Genotype));
        Assert.Equal(runs[0].Candidates.Select(c => DecoderTrimmer.Describe(c.Genotype)), runs[1].Candidates.Select(c => DecoderTrimmer.Describe(c.Genotype)));
        Assert.Equal(runs[0].Candidates.Select(c => c.ValidationDice), runs[1].Candidates.Select(c => c.ValidationDice));
        Assert.Equal(runs[0].StudentDice, runs[1].StudentDice);
        Assert.True(runs[0].Candidates.Select(c => DecoderTrimmer.Describe(c.Genotype)).Distinct().Count() > 1);
    }

    [Fact]
    public async Task A_search_cut_off_resumes_from_its_journal_and_a_journal_of_another_search_is_refused()
    {
        var directory = Directory.CreateTempSubdirectory("cseg-journal-");
        try
        {
            var journal = Path.Combine(directory.FullName, "ckpt", "search.jsonl");
            var training = fixture.Training.Take(2).ToList();
            var search = fixture.Validation.Take(1).ToList();
            TrimResult whole;
            using (var outcome = await DecoderTrimmer.TrimAsync(fixture.Bank, "dark", training, search, FiveCandidates(77, journal)))
            {
                whole = outcome.Result;
            }

            // Cut off after two candidates, the third half written.
            var lines = await File.ReadAllLinesAsync(journal);
            Assert.True(lines.Length >= 4, string.Join('\n', lines));
            await File.WriteAllTextAsync(journal, string.Join('\n', lines.Take(3)) + "\n" + lines[3][..(lines[3].Length / 2)]);

            var reports = new List<TrimProgress>();
            using (var resumed = await DecoderTrimmer.TrimAsync(fixture.Bank, "dark", training, search, FiveCandidates(77, journal), reports.Add))
            {
                Assert.Equal(whole.Candidates.Select(c => DecoderTrimmer.Describe(c.Genotype)), resumed.Result.Candidates.Select(c => DecoderTrimmer.Describe(c.Genotype)));
                Assert.Equal(whole.Candidates.Select(c => c.Fitness), resumed.Result.Candidates.Select(c => c.Fitness));
                Assert.Equal(DecoderTrimmer.Describe(whole.Genotype), DecoderTrimmer.Describe(resumed.Result.Genotype));
            }

            var searched = reports.Where(r => r.Phase == TrimPhase.Search).Select(r => r.Message).ToList();
            Assert.Equal(2, searched.Count(m => m.Contains("(from the search journal)", StringComparison.Ordinal)));
            Assert.DoesNotContain("(from the search journal)", searched[2], StringComparison.Ordinal);
            Assert.Equal(lines.Length, (await File.ReadAllLinesAsync(journal)).Length);

            var other = await Assert.ThrowsAsync<InvalidDataException>(() => DecoderTrimmer.TrimAsync(fixture.Bank, "dark", training, search, FiveCandidates(78, journal)));
            Assert.Contains("was written by another search", other.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Without_an_acceptable_student_the_full_decoder_is_kept()
    {
        var options = SmallSearch(4);
        options.Population = 2;
        options.Candidates = 2;
        options.SearchSteps = 1;
        options.Distillation.Steps = 1;
        options.MaxRelativeDiceDrop = 0;
        options.WidthMultipliers = [0.25];
        options.BlockTypes = [BlockType.DepthwiseSeparable];

        using var outcome = DecoderTrimmer.Trim(fixture.Bank, "dark", fixture.Training.Take(2).ToList(), fixture.Validation, options);

        Assert.False(outcome.Result.Accepted, outcome.Result.Message);
        Assert.Null(outcome.Student);
        Assert.Same(fixture.Bank.GetDecoder("dark").Plan, outcome.StudentPlan);
        Assert.Equal(outcome.Result.Before, outcome.Result.After);
        Assert.Contains("full decoder is kept", outcome.Result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Candidates_are_ranked_on_the_search_patches_and_finalists_judged_on_the_acceptance_patches()
    {
        var options = FinalistOptions(21, 5);
        var search = fixture.Validation.Take(1).ToList();
        var acceptance = fixture.Validation.Skip(1).ToList();

        using var outcome = DecoderTrimmer.Trim(fixture.Bank, "dark", fixture.Training.Take(2).ToList(), search, acceptance, options);

        var r = outcome.Result;
        Assert.True(r.SeparateAcceptance);
        Assert.Equal(Trainer.Evaluate(fixture.Bank, "dark", search), r.SearchTeacherDice, 9);
        Assert.Equal(Trainer.Evaluate(fixture.Bank, "dark", acceptance), r.TeacherDice, 9);

        // The first finalist passes the (lax) rule and is the one kept; its acceptance Dice is the result's student Dice.
        var finalist = Assert.Single(r.Finalists);
        Assert.True(finalist.Accepted);
        Assert.Equal(r.StudentDice, finalist.AcceptanceDice);
        Assert.Equal(DecoderTrimmer.Describe(r.Genotype), DecoderTrimmer.Describe(finalist.Genotype));
        Assert.Contains(r.Candidates, c => c.ValidationDice == finalist.SearchDice && DecoderTrimmer.Describe(c.Genotype) == DecoderTrimmer.Describe(finalist.Genotype));
        Assert.True(r.Timings.Search > TimeSpan.Zero && r.Timings.Finalists > TimeSpan.Zero && r.Timings.Caching > TimeSpan.Zero);
        Assert.Equal(r.Timings.Caching + r.Timings.Search + r.Timings.Finalists, r.Timings.Total);

        // The four-list form ranks and accepts on the same patches and says so.
        using var same = DecoderTrimmer.Trim(fixture.Bank, "dark", fixture.Training.Take(2).ToList(), search, options);
        Assert.False(same.Result.SeparateAcceptance);
        Assert.Equal(same.Result.SearchTeacherDice, same.Result.TeacherDice);
    }

    [Fact]
    public void With_whole_volumes_the_finalists_are_accepted_by_sliding_window_dice_on_them()
    {
        var options = FinalistOptions(22, 6);

        // Two volumes larger than a patch (16³), so that several windows overlap.
        var samples = SyntheticShapes.Make(2, 24, taskB: true, seed: 31);
        var volumes = samples.Select((v, i) => new PreprocessedCase(
            $"v{i}", 1, 24, 24, 24, v.Image.contiguous().data<float>().ToArray(), [.. v.Labels.contiguous().data<long>().ToArray().Select(static l => (ushort)l)], [1.0, 1.0, 1.0])).ToList();
        var search = fixture.Validation.Take(1).ToList();
        var acceptance = fixture.Validation.Skip(1).ToList();

        using var outcome = DecoderTrimmer.Trim(fixture.Bank, "dark", fixture.Training.Take(2).ToList(), search, acceptance, volumes, options);

        var r = outcome.Result;
        Assert.True(r.AcceptanceOnVolumes);
        Assert.Contains("on the acceptance volumes", r.Message, StringComparison.Ordinal);
        Assert.Equal(Trainer.Evaluate(fixture.Bank, "dark", search), r.SearchTeacherDice, 9);
        using (var teacher = new SlidingWindowPredictor(fixture.Bank, [16, 16, 16]))
        {
            Assert.Equal(VolumeDice(samples, image => teacher.Predict(image, ["dark"]), "dark"), r.TeacherDice, 9);
        }

        var finalist = Assert.Single(r.Finalists);
        Assert.Equal(r.StudentDice, finalist.AcceptanceDice);
        using (var student = new SlidingWindowPredictor(fixture.Bank.Encoder, outcome.Student!, [16, 16, 16]))
        {
            Assert.Equal(VolumeDice(samples, image => student.Predict(image), "dark"), r.StudentDice, 9);
        }

        Assert.Throws<ArgumentException>(() => DecoderTrimmer.Trim(fixture.Bank, "dark", fixture.Training.Take(2).ToList(), search, acceptance, [], options));
    }

    private static double VolumeDice(List<TrainingSample> volumes, Func<Tensor, SlidingWindowPrediction> predict, string id)
    {
        var scores = new List<double>();
        foreach (var v in volumes)
        {
            using var scope = NewDisposeScope();
            using var prediction = predict(v.Image);
            var predicted = prediction.Probabilities[id].argmax(0).contiguous().data<long>().ToArray();
            scores.Add(SegmentationMetrics.MeanIgnoringNaN(SegmentationMetrics.Dice(predicted, v.Labels.contiguous().data<long>().ToArray(), 2)));
        }

        return SegmentationMetrics.MeanIgnoringNaN(scores);
    }

    private double StudentDice(Decoder student)
    {
        using var noGrad = no_grad();
        var scores = new List<double>();
        foreach (var s in fixture.Validation)
        {
            using var scope = NewDisposeScope();
            var skips = fixture.Bank.Encoder.forward(s.Image.unsqueeze(0));
            var predicted = student.forward(skips).argmax(1).contiguous().data<long>().ToArray();
            var truth = s.Labels.contiguous().data<long>().ToArray();
            scores.Add(SegmentationMetrics.MeanIgnoringNaN(SegmentationMetrics.Dice(predicted, truth, 2)));
        }

        return scores.Average();
    }

    private static void AssertSame(Dictionary<string, byte[]> before, Dictionary<string, byte[]> after)
    {
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in before)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"{name} changed");
        }
    }

    // Two finalists judged by a lax rule (any drop passes), so the first one is kept.
    private static TrimOptions FinalistOptions(int seed, int distillationSeed) => new()
    {
        Population = 3,
        Candidates = 4,
        TournamentSize = 2,
        SearchSteps = 4,
        Finalists = 2,
        MaxRelativeDiceDrop = 1,
        LatencyRepeats = 1,
        LatencyWarmup = 0,
        Seed = seed,
        Distillation = new DistillationOptions { Steps = 4, Seed = distillationSeed },
    };
}
