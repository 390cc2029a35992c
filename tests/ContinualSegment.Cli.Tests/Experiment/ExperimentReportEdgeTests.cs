using System.Text.Json;

namespace ContinualSegment.Cli.Tests.Experiment;

public sealed class ExperimentReportEdgeTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-experiment-edge-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task A_file_without_a_task_summary_scores_the_mean_over_cases_of_the_case_means()
    {
        var work = Path.Combine(dir.FullName, "work");
        var output = Path.Combine(dir.FullName, "out");
        // Case 0: three structures, Dice 1, 0, 0.5 (mean 0.5); case 1: one structure, Dice 0.2. The mean of the case
        // means is 0.35; the mean over all four rows would be 0.425.
        EvaluationJsonFile.Write(
            Path.Combine(work, "eval", "continual", "step1", "wholebody", "evaluation.json"),
            "wholebody",
            [
                new("wholebody_0000", 1, "spleen", 1.0, 2.0, 0.9, 1.0),
                new("wholebody_0000", 2, "liver", 0.0, null, 0.0, 0.0),
                new("wholebody_0000", 3, "stomach", 0.5, 4.0, 0.3, 0.6),
                new("wholebody_0001", 1, "spleen", 0.2, 9.0, 0.1, 0.4),
            ],
            summary: false);

        var (code, _, error) = await CsegRunner.RunAsync("experiment", "report", "--work", work, "--out", output);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "results.json")));
        var root = json.RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("final").GetProperty("continual").GetProperty("wholebody").ValueKind);
        Assert.Equal(0.35, root.GetProperty("forgetting").GetProperty("continual").GetProperty("dice")[0][0].GetDouble(), 10);
        Assert.Equal(1, root.GetProperty("evaluations").GetInt32());
        // Every other evaluation (33 + the untrimmed model's 4), all eight models and the inference-time comparison are missing.
        Assert.Equal(37 + 8 + 1, root.GetProperty("missing").GetArrayLength());
        Assert.Contains("timing/bench-methods.json", root.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        Assert.All(root.GetProperty("claims").EnumerateArray(), c => Assert.Equal(JsonValueKind.Null, c.GetProperty("value").ValueKind));
        var markdown = await File.ReadAllTextAsync(Path.Combine(output, "results.md"));
        Assert.Contains("| 1 (wholebody) | 0.3500 | — | — | — |", markdown, StringComparison.Ordinal);
        Assert.Contains("Machine: not given. Command: not given.", markdown, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("gating").ValueKind);
        Assert.Contains("Not measured yet (`cseg bodypart evaluate` and `cseg bench gating`", markdown, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("overlaps").ValueKind);
        Assert.Contains("Not measured yet (the experiment's `overlaps` step)", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_computed_scores_of_a_file_without_a_summary_cover_hd95_and_surface_dice()
    {
        var work = Path.Combine(dir.FullName, "work");
        var output = Path.Combine(dir.FullName, "out");
        foreach (var step in new[] { 1, 4 })
        {
            EvaluationJsonFile.Write(
                Path.Combine(work, "eval", "continual", $"step{step}", "wholebody", "evaluation.json"),
                "wholebody",
                [
                    new("wholebody_0000", 1, "spleen", 1.0, 2.0, 0.9, 1.0),
                    new("wholebody_0000", 2, "liver", 0.0, null, 0.0, 0.0),
                    new("wholebody_0001", 1, "spleen", 0.2, 9.0, 0.1, 0.4),
                ],
                summary: false);
        }

        var (code, _, error) = await CsegRunner.RunAsync("experiment", "report", "--work", work, "--out", output);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "results.json")));
        var scores = json.RootElement.GetProperty("final").GetProperty("continual").GetProperty("wholebody");
        Assert.Equal("computed from structures", scores.GetProperty("source").GetString());
        Assert.Equal((0.5 + 0.2) / 2, scores.GetProperty("dice").GetDouble(), 10);
        Assert.Equal((2.0 + 9.0) / 2, scores.GetProperty("hd95_mm").GetDouble(), 10);
        Assert.Equal(1, scores.GetProperty("hd95_undefined").GetInt32());
        Assert.Equal((0.45 + 0.1) / 2, scores.GetProperty("nsd")[0].GetDouble(), 10);
        Assert.Equal((0.5 + 0.4) / 2, scores.GetProperty("nsd")[1].GetDouble(), 10);
        var drop = json.RootElement.GetProperty("claims").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "dice_drop/continual");
        Assert.Equal(0.0, drop.GetProperty("value").GetDouble(), 10);
    }

    [Fact]
    public async Task A_missing_work_directory_is_a_one_line_failure()
    {
        var missing = Path.Combine(dir.FullName, "no-such-work");

        var (code, _, error) = await CsegRunner.RunAsync("experiment", "report", "--work", missing, "--out", Path.Combine(dir.FullName, "out"));

        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(missing, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir.FullName, "out")));
    }

    [Fact]
    public async Task A_work_directory_without_evaluations_is_a_one_line_failure()
    {
        var work = Directory.CreateDirectory(Path.Combine(dir.FullName, "work", "models", "continual", "step1")).Parent!.Parent!.FullName;

        var (code, _, error) = await CsegRunner.RunAsync("experiment", "report", "--work", work, "--out", Path.Combine(dir.FullName, "out"));

        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("no evaluation", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir.FullName, "out")));
    }

    [Fact]
    public async Task A_file_that_is_not_an_evaluation_is_a_one_line_failure_naming_it()
    {
        var file = Path.Combine(dir.FullName, "work", "eval", "upper", "chest", "evaluation.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, """{ "dice": 0.5 }""");

        var (code, _, error) = await CsegRunner.RunAsync("experiment", "report", "--work", Path.Combine(dir.FullName, "work"), "--out", Path.Combine(dir.FullName, "out"));

        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(file, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_durations_line_that_is_not_name_and_seconds_is_a_one_line_failure_naming_it()
    {
        var work = Path.Combine(dir.FullName, "work");
        EvaluationJsonFile.Write(Path.Combine(work, "eval", "upper", "chest", "evaluation.json"), "chest", EvaluationJsonFile.AroundMean("chest", 0.5));
        await File.WriteAllTextAsync(Path.Combine(work, "durations.tsv"), "step1\t60\nlwf-step2 ten minutes\n");

        var (code, _, error) = await CsegRunner.RunAsync("experiment", "report", "--work", work, "--out", Path.Combine(dir.FullName, "out"));

        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("durations.tsv line 2", line, StringComparison.Ordinal);
    }
}
