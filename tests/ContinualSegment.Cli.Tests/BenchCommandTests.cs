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

        var (code, output, error) = await CsegRunner.RunAsync("bench", "ingest", "--series", series, "--work", Path.Combine(dir.FullName, "work"), "--repetitions", "1", "--parallel", "2");

        Assert.True(code == 0, error + output);
        Assert.Contains("series: 6 files", output, StringComparison.Ordinal);
        Assert.Matches(@"1 association: storescp [0-9.]+ s .* ours [0-9.]+ s .* ratio [0-9.]+", output);
        Assert.Matches(@"2 associations: storescp [0-9.]+ s .* ours [0-9.]+ s .* ratio [0-9.]+", output);
        Assert.Equal(6, Directory.GetFiles(Path.Combine(dir.FullName, "work", "received", "ours"), "*.dcm").Length);
    }
}
