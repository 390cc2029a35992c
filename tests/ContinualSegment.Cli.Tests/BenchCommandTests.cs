using ContinualSegment.Dicom;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Export;

namespace ContinualSegment.Cli.Tests;

public sealed class BenchCommandTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-bench-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task Ingest_bench_runs_both_receivers_and_prints_a_ratio_per_case()
    {
        var series = Path.Combine(dir.FullName, "series");
        await CtSeriesWriter.WriteAsync(
            new Volume<float>(64, 64, 6, Affine3D.Axial(new Vec3(0, 0, 0), new Vec3(1, 1, 2))),
            new CtSeriesMetadata { PatientName = "Bench^Smoke", PatientId = "B1", StudyInstanceUid = DicomUid.Generate(), SeriesInstanceUid = DicomUid.Generate(), FrameOfReferenceUid = DicomUid.Generate() },
            series,
            CancellationToken.None);

        var received = Directory.CreateDirectory(Path.Combine(dir.FullName, "received")).FullName;
        var (code, output, error) = await CsegRunner.RunAsync("bench", "ingest", "--series", series, "--work", Path.Combine(dir.FullName, "work"), "--repetitions", "1", "--parallel", "2", "--warmup", "2", "--received-dir", received);

        // Each run waits until every file arrived (or fails), so a zero exit means both receivers stored all six.
        Assert.True(code == 0, error + output);
        Assert.Contains("series: 6 files", output, StringComparison.Ordinal);
        Assert.Contains($"both writing under {received}{Path.DirectorySeparatorChar}cseg-bench-ingest-", output, StringComparison.Ordinal);
        Assert.Matches(@"warm-up: 2 untimed runs to our receiver over 2 associations, methods compiled per run: [0-9]+ [0-9]+", output);
        Assert.Matches(@"1 association: storescp [0-9.]+ s .* ours [0-9.]+ s .* ratio [0-9.]+", output);
        Assert.Matches(@"2 associations: storescp [0-9.]+ s .* ours [0-9.]+ s .* ratio [0-9.]+", output);

        // The run's own directory of received files is gone; the chosen directory stays.
        Assert.True(Directory.Exists(received));
        Assert.Empty(Directory.GetFileSystemEntries(received));
    }

    [Fact]
    public async Task Durable_ingest_bench_times_the_node_against_storescp_and_Orthanc()
    {
        var series = Path.Combine(dir.FullName, "series");
        await CtSeriesWriter.WriteAsync(
            new Volume<float>(64, 64, 6, Affine3D.Axial(new Vec3(0, 0, 0), new Vec3(1, 1, 2))),
            new CtSeriesMetadata { PatientName = "Bench^Durable", PatientId = "B2", StudyInstanceUid = DicomUid.Generate(), SeriesInstanceUid = DicomUid.Generate(), FrameOfReferenceUid = DicomUid.Generate() },
            series,
            CancellationToken.None);
        await using var database = await TestDatabase.CreateAsync("cseg_bench_");
        var (code, output, error) = await CsegRunner.RunAsync("bench", "ingest", "--durable", "--connection", database.ConnectionString, "--series", series, "--work", Path.Combine(dir.FullName, "work"), "--repetitions", "1", "--parallel", "2", "--warmup", "2");

        // Each run checks that the node and Orthanc hold all six instances once storescu is done, so zero means they did.
        Assert.True(code == 0, error + output);
        Assert.Contains("the node's ingest (file and directory flushed, row committed in PostgreSQL before success) and Orthanc", output, StringComparison.Ordinal);
        Assert.Contains($"all writing under {Path.Combine(dir.FullName, "work")}{Path.DirectorySeparatorChar}cseg-bench-ingest-", output, StringComparison.Ordinal);
        Assert.Matches(@"1 association: storescp [0-9.]+ s .* ours [0-9.]+ s .* ratio [0-9.]+", output);
        Assert.Matches(@"1 association: Orthanc [0-9.]+ s .* ours [0-9.]+ s, ratio [0-9.]+", output);
        Assert.Matches(@"2 associations: Orthanc [0-9.]+ s .* ours [0-9.]+ s, ratio [0-9.]+", output);

        // The disk's own price for durability, and the best ratio it leaves a durable receiver: never above 1.
        var flush = System.Text.RegularExpressions.Regex.Match(output, @"made durable \(written, flushed, its directory flushed\) takes ([0-9.]+) ms \(median of 50\); 6 instances over one association wait at least [0-9.]+ s");
        Assert.True(flush.Success, output);
        Assert.True(double.Parse(flush.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, output);
        foreach (var name in new[] { "1 association", "2 associations" })
        {
            var ceiling = System.Text.RegularExpressions.Regex.Match(output, name + @": a durable receiver as fast as storescp but for the flushes would need at least [0-9.]+ s here: ratio at most ([0-9.]+)");
            Assert.True(ceiling.Success, output);
            Assert.InRange(double.Parse(ceiling.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 0.0, 1.0);
        }
    }

    [Fact]
    public async Task End_to_end_bench_runs_the_node_and_splits_the_time_by_stage()
    {
        await using var database = await TestDatabase.CreateAsync("cseg_e2e_");
        var work = Path.Combine(dir.FullName, "e2e");
        var (code, output, error) = await CsegRunner.RunAsync("bench", "e2e", "--work", work, "--size", "48", "--slices", "60", "--quiet-period", "1", "--threads", "1", "--connection", database.ConnectionString);

        Assert.True(code == 0, error + output);
        Assert.Matches(@"warm-up study \(128×128×64, untimed\) through the node in [0-9.]+ s", output);
        Assert.Matches(@"first C-STORE to SEG \+ RTSTRUCT at the PACS: [0-9.]+ s = receive [0-9.]+ s, quiet period [0-9.]+ s \(configured 1 s\), queue wait [0-9.]+ s, job [0-9.]+ s \(inference [0-9.]+ s", output);
        Assert.Matches(@"node overhead \(all but the configured quiet period and inference\): [0-9.]+ s = [0-9.]+ % of inference", output);
        Assert.Matches(@"the same study from storescu to a storescp \(no fsync, no database\): [0-9.]+ s; the node received it in [0-9.]+ s", output);

        // The stages add up to the measured total (each is a difference of the node's own timestamps).
        var stages = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(work, "bench-e2e.json")))!.AsObject();
        double Get(string name) => stages[name]!.GetValue<double>();
        var sum = Get("receiveSeconds") + Get("quietPeriodSeconds") + Get("queueWaitSeconds") + Get("jobSeconds") + Get("exportSeconds");
        Assert.InRange(sum, Get("totalSeconds") - 1.0, Get("totalSeconds") + 0.5);
        Assert.True(Get("quietPeriodSeconds") >= 1.0, "the series was completed before its quiet period");
        Assert.True(Get("inferenceSeconds") > 0 && Get("inferenceSeconds") < Get("jobSeconds"));
        Assert.Single(Directory.GetFiles(Path.Combine(work, "pacs"), "SG*"));
        Assert.Single(Directory.GetFiles(Path.Combine(work, "pacs"), "RS*"));
    }

    [Fact]
    public async Task Methods_bench_without_separate_models_is_a_one_line_failure()
    {
        var (code, _, error) = await CsegRunner.RunAsync("bench", "methods", "--model", Path.Combine(dir.FullName, "none"), "--work", Path.Combine(dir.FullName, "m"));

        Assert.NotEqual(0, code);
        Assert.Contains("--separate", error, StringComparison.Ordinal);
    }
}
