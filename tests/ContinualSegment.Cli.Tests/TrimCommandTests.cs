using ContinualSegment.Model.Plans;

namespace ContinualSegment.Cli.Tests;

public sealed class TrimCommandTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-trim-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task A_mixed_precision_trim_on_the_cpu_completes_and_reports_both_sizes()
    {
        var chest = Path.Combine(dir.FullName, "chest");
        var model = Path.Combine(dir.FullName, "model");
        var planPath = Path.Combine(dir.FullName, "plan.json");
        ModelPlanSerializer.Save(TrainBodyPartCommandTests.TinyPlan(), planPath);
        Assert.Equal(0, (await CsegRunner.RunAsync("phantom", "--out", chest, "--task", "chest", "--cases", "2", "--seed", "6", "--size", "32", "--slice-spacing", "8")).ExitCode);
        var (code, output, error) = await CsegRunner.RunAsync("train", "base", "--dataset", chest, "--out", model, "--plan", planPath, "--epochs", "1", "--iterations", "1", "--batch", "1", "--val-fraction", "0.5", "--decoder-id", "chest");
        Assert.True(code == 0, error + output);
        var planBefore = await File.ReadAllTextAsync(Path.Combine(model, "plan.json"));

        (code, output, error) = await CsegRunner.RunAsync(
            "trim", "--model", model, "--decoder", "chest", "--dataset", chest, "--precision", "mixed", "--device", "cpu",
            "--candidates", "1", "--search-steps", "2", "--steps", "2", "--patches-per-case", "1", "--val-fraction", "0.5", "--dry-run");

        if (ContinualSegment.Model.Training.PrecisionContext.CpuMixedPrecisionProblem is { } problem)
        {
            // This machine's libtorch gets bfloat16 convolutions wrong: refused before any work, one clear line.
            Assert.True(code != 0, $"mixed precision ran although {problem}");
            Assert.Contains("bfloat16 convolutions wrongly", error, StringComparison.Ordinal);
            Assert.Equal(planBefore, await File.ReadAllTextAsync(Path.Combine(model, "plan.json")));
            return;
        }

        Assert.True(code == 0, error + output);
        Assert.Equal(string.Empty, error);
        Assert.Matches(@"before: \d+ parameters", output);
        Assert.Matches(@"after: +\d+ parameters", output);
        Assert.Equal(planBefore, await File.ReadAllTextAsync(Path.Combine(model, "plan.json")));
    }

    [Theory]
    [InlineData("trim --model {0} --decoder x --dataset {0} --precision fp8", "fp8", "fp32")]
    [InlineData("trim --model {0} --decoder x --dataset {0} --device tpu", "tpu", "cuda")]
    [InlineData("train base --dataset {0} --out {0} --precision fp8", "fp8", "fp32")]
    public async Task A_bad_precision_or_device_is_bad_usage_with_one_line(string commandLine, string value, string expected)
    {
        var args = commandLine.Split(' ').Select(a => a == "{0}" ? dir.FullName : a).ToArray();

        var (code, output, error) = await CsegRunner.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(value, line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }
}
