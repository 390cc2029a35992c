using System.Text.Json.Nodes;
using ContinualSegment.Cli.Experiment;

namespace ContinualSegment.Cli.Tests;

[Collection(SegmentModelCollection.Name)]
public sealed class MethodsBenchTests(SegmentModelFixture fixture) : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-bench-methods-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task Methods_bench_times_every_model_on_one_ct_and_reports_both_ratios()
    {
        var work = Path.Combine(dir.FullName, "methods");

        // In process: libtorch's threads are the ones the segment tests of this process give (2), or OMP_NUM_THREADS's.
        // The same model as both "separate" models: its parameters are exactly half of theirs, its time about half.
        var (code, output, error) = await CsegRunner.RunAsync("bench", "methods", "--model", fixture.Model, "--separate", fixture.Model, "--separate", fixture.Model, "--series", fixture.SeriesDirectory, "--work", work, "--threads", "2", "--repeats", "2");

        Assert.True(code == 0, error + output);
        Assert.Contains($"CT series {fixture.SeriesDirectory} (48×48×", output, StringComparison.Ordinal);
        Assert.Matches(@"continual / separate: time [0-9.]+ \(goal ≤ 0\.4\), parameters 0\.500 \(goal ≤ 0\.4\); [0-9]+ threads, median of 2 run\(s\)", output);
        var result = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(work, "bench-methods.json")))!.AsObject();
        var parameters = ModelParameterCounter.Count(fixture.Model, fixture.Model).Total;
        Assert.Equal(parameters, result["continual"]!["parameters"]!.GetValue<long>());
        Assert.Equal(2 * parameters, result["separateParameters"]!.GetValue<long>());
        Assert.Equal(0.5, result["parameterRatio"]!.GetValue<double>());
        Assert.Equal(2, result["separate"]!.AsArray().Count);
        Assert.All(result["separate"]!.AsArray(), s => Assert.Equal(2, s!["runs"]!.AsArray().Count));
        var seconds = result["continual"]!["seconds"]!.GetValue<double>();
        // The ratio is of the unrounded times; the file's seconds are rounded to the millisecond.
        Assert.InRange(result["timeRatio"]!.GetValue<double>() - (seconds / result["separateSeconds"]!.GetValue<double>()), -0.005, 0.005);
        Assert.InRange(result["timeRatio"]!.GetValue<double>(), 0.2, 1.0);
        Assert.Equal(["chest"], result["continual"]!["decodersRun"]!.AsArray().Select(d => d!.GetValue<string>()));
    }
}
