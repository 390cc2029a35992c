using System.Text.Json.Nodes;
using ContinualSegment.Cli.Tests.Serve;

namespace ContinualSegment.Cli.Tests;

public sealed class GatingBenchTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-bench-gating-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task Gating_bench_cuts_partial_scans_runs_each_with_and_without_the_gate_and_reports_what_it_saves()
    {
        var work = Path.Combine(dir.FullName, "gating");
        var model = Path.Combine(ServeProcess.RepositoryRoot(), "models", "default");

        var (code, output, error) = await CsegRunner.RunAsync("bench", "gating", "--model", model, "--work", work, "--size", "64", "--slices", "100", "--threads", "2");

        Assert.True(code == 0, error + output);
        var result = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(work, "bench-gating.json")))!.AsObject();
        var scans = result["scans"]!.AsArray().Select(s => s!.AsObject()).ToDictionary(s => s["scan"]!.GetValue<string>());
        Assert.Equal(6, scans.Count);
        Assert.Equal(100, scans["whole body"]["slices"]!.GetValue<int>());
        static string[] Names(JsonObject scan, string key) => [.. scan[key]!.AsArray().Select(d => d!.GetValue<string>())];

        // The shipped model's regressor places a head without its neck above the pathology decoder's range and an
        // abdomen and pelvis below the head-and-neck decoder's.
        Assert.Contains("pathology", Names(scans["head"], "decodersSkipped"));
        Assert.Contains("headneck", Names(scans["abdomen and pelvis"], "decodersSkipped"));
        Assert.Empty(Names(scans["whole body"], "decodersSkipped"));
        foreach (var scan in scans.Values)
        {
            var gated = scan["gatedSeconds"]!.GetValue<double>();
            var all = scan["allDecodersSeconds"]!.GetValue<double>();
            Assert.InRange(scan["timeSaved"]!.GetValue<double>() - (1 - (gated / all)), -0.01, 0.01);
            Assert.InRange(scan["meanDiceGated"]!.GetValue<double>(), 0, 1);
            Assert.Equal(
                Names(scan, "decodersRun").Length + Names(scan, "decodersSkipped").Length,
                scan["trustedShare"]!.AsObject().Count);
        }

        Assert.Contains("| head | ", output, StringComparison.Ordinal);
        Assert.Contains("| scan | slices | decoders run (gated) | skipped |", await File.ReadAllTextAsync(Path.Combine(work, "bench-gating.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_without_a_regressor_is_refused_with_one_line()
    {
        var model = Path.Combine(dir.FullName, "model");
        Directory.CreateDirectory(model);
        foreach (var file in Directory.GetFiles(Path.Combine(ServeProcess.RepositoryRoot(), "models", "default"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(model, Path.GetRelativePath(Path.Combine(ServeProcess.RepositoryRoot(), "models", "default"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var plan = Path.Combine(model, "plan.json");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(plan))!.AsObject();
        json.Remove("bodyPart");
        await File.WriteAllTextAsync(plan, json.ToJsonString());

        var (code, _, error) = await CsegRunner.RunAsync("bench", "gating", "--model", model, "--work", Path.Combine(dir.FullName, "w"), "--size", "32", "--slices", "40", "--threads", "2");

        Assert.Equal(1, code);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("no body-part regressor", error, StringComparison.Ordinal);
    }
}
