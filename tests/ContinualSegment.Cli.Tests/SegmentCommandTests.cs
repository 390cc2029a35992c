using System.Diagnostics;
using System.Text.Json;
using ContinualSegment.Dicom;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.RtStruct;
using ContinualSegment.Imaging.Segmentation;
using ContinualSegment.Imaging.Series;
using ContinualSegment.Model.Plans;

namespace ContinualSegment.Cli.Tests;

[Collection(SegmentModelCollection.Name)]
public sealed class SegmentCommandTests(SegmentModelFixture fixture) : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-seg-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task A_dicom_series_gives_all_five_outputs_that_parse_validate_and_share_the_series_geometry()
    {
        var outDir = Path.Combine(dir.FullName, "out");

        var (code, output, error) = await CsegRunner.RunAsync("segment", "--input", fixture.SeriesDirectory, "--out", outDir, "--model", fixture.Model, "--threads", "2");

        Assert.True(code == 0, error + output);
        foreach (var name in new[] { "seg.dcm", "rtstruct.dcm", "labels.nii.gz", "preview.png", "report.json" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, name)), name);
        }

        var header = Assert.Single(SeriesLoader.LoadHeadersFromDirectory(fixture.SeriesDirectory));
        var labels = await NiftiReader.ReadLabelsAsync(Path.Combine(outDir, "labels.nii.gz"), CancellationToken.None);
        Assert.Equal((header.SizeX, header.SizeY, header.SizeZ), (labels.SizeX, labels.SizeY, labels.SizeZ));
        var expected = header.Geometry.ToMatrix4x4();
        var actual = labels.Geometry.ToMatrix4x4();
        for (var i = 0; i < 16; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-3, $"affine element {i}: {actual[i]} vs {expected[i]}");
        }

        var present = labels.Data.Where(v => v != 0).Distinct().Order().ToArray();
        Assert.NotEmpty(present);
        var seg = SegmentationReader.Read(Path.Combine(outDir, "seg.dcm"), header);
        Assert.NotNull(seg);
        var rois = RtStructReader.Read(DicomFile.Open(Path.Combine(outDir, "rtstruct.dcm")).Dataset, (header.SizeX, header.SizeY, header.SizeZ), header.Geometry);
        Assert.NotEmpty(rois);
        Assert.Empty(DciodvfyErrors(Path.Combine(outDir, "seg.dcm")));
        Assert.Empty(DciodvfyErrors(Path.Combine(outDir, "rtstruct.dcm")));

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "report.json")));
        var root = report.RootElement;
        var decoder = Assert.Single(root.GetProperty("decoders").EnumerateArray());
        Assert.Equal("chest", decoder.GetProperty("id").GetString());
        Assert.True(decoder.GetProperty("used").GetBoolean());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("peakMemoryBytes").ValueKind);
        Assert.True(root.GetProperty("peakMemoryBytes").GetInt64() > 0);
        Assert.True(root.GetProperty("timingsSeconds").TryGetProperty("inference", out _));
        Assert.True(root.GetProperty("model").GetProperty("bodyPartModel").GetBoolean());
        var structures = root.GetProperty("structures").EnumerateArray().ToArray();
        Assert.Equal(present.Select(v => (int)v), structures.Select(s => s.GetProperty("label").GetInt32()));
        var voxelMl = header.Geometry.Spacing.X * header.Geometry.Spacing.Y * header.Geometry.Spacing.Z / 1000;
        foreach (var s in structures)
        {
            var count = labels.Data.Count(v => v == s.GetProperty("label").GetInt32());
            Assert.True(Math.Abs((count * voxelMl) - s.GetProperty("volumeMl").GetDouble()) < 0.01, $"{s}: {count} voxels");
        }
    }

    [Fact]
    public async Task A_nifti_input_is_written_as_a_ct_series_that_the_results_reference()
    {
        var outDir = Path.Combine(dir.FullName, "nifti-out");

        var (code, output, error) = await CsegRunner.RunAsync("segment", "--input", fixture.NiftiImage, "--out", outDir, "--model", fixture.Model);

        Assert.True(code == 0, error + output);
        var ctDir = Path.Combine(outDir, "ct");
        var header = Assert.Single(SeriesLoader.LoadHeadersFromDirectory(ctDir));
        var seg = DicomFile.Open(Path.Combine(outDir, "seg.dcm")).Dataset;
        Assert.Equal([header.SeriesInstanceUid], SegmentationReader.ReferencedSeriesUids(seg));
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "report.json")));
        Assert.Equal("nifti", report.RootElement.GetProperty("input").GetProperty("kind").GetString());
        Assert.True(report.RootElement.GetProperty("input").GetProperty("seriesWrittenFromNifti").GetBoolean());
    }

    [Fact]
    public async Task A_missing_input_is_a_failure_with_one_line()
    {
        var (code, _, error) = await CsegRunner.RunAsync("segment", "--input", Path.Combine(dir.FullName, "nope"), "--out", Path.Combine(dir.FullName, "o"), "--model", fixture.Model);

        AssertOneLineFailure(code, error, "input not found");
    }

    [Fact]
    public async Task A_file_that_is_not_a_ct_is_a_failure_with_one_line()
    {
        var text = Path.Combine(dir.FullName, "notes.txt");
        await File.WriteAllTextAsync(text, "not an image");

        var (code, _, error) = await CsegRunner.RunAsync("segment", "--input", text, "--out", Path.Combine(dir.FullName, "o"), "--model", fixture.Model);
        AssertOneLineFailure(code, error, "neither a DICOM series directory nor a NIfTI file");

        var empty = Directory.CreateDirectory(Path.Combine(dir.FullName, "empty-series")).FullName;
        File.Copy(text, Path.Combine(empty, "x.dcm"));
        (code, _, error) = await CsegRunner.RunAsync("segment", "--input", empty, "--out", Path.Combine(dir.FullName, "o2"), "--model", fixture.Model);
        AssertOneLineFailure(code, error, "image");
    }

    [Fact]
    public async Task A_model_directory_without_a_plan_is_a_failure_with_one_line()
    {
        var model = Directory.CreateDirectory(Path.Combine(dir.FullName, "empty-model")).FullName;

        var (code, _, error) = await CsegRunner.RunAsync("segment", "--input", fixture.SeriesDirectory, "--out", Path.Combine(dir.FullName, "o"), "--model", model);

        AssertOneLineFailure(code, error, "plan.json");
    }

    internal static void AssertOneLineFailure(int code, string error, string reason)
    {
        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("cseg: ", line, StringComparison.Ordinal);
        Assert.Contains(reason, line, StringComparison.Ordinal);
    }

    private static string[] DciodvfyErrors(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("dciodvfy", [path]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("dciodvfy did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return [.. (stdout.Result + "\n" + stderr).Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal))];
    }
}
