using System.Text.Json;
using ContinualSegment.Imaging;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Pipeline;
using TorchSharp;

namespace ContinualSegment.Model.Tests.Pipeline;

public sealed class SegmentationUseCaseTests : IDisposable
{
    private static readonly StructureCatalogue Catalogue = StructureCatalogue.LoadDefault();
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-usecase-");

    public void Dispose() => dir.Delete(recursive: true);

    /// <summary>A tiny untrained model (seeded) with one whole-body decoder for spleen and liver; its directory.</summary>
    private string SaveTinyModel()
    {
        torch.manual_seed(13);
        var model = Path.Combine(dir.FullName, "model");
        var plan = TinyPlans.Plan(TinyPlans.Decoder("near", "wholebody", ["spleen", "liver"]));
        using var bank = new DecoderBank(plan);
        ModelStore.Save(bank, plan, model);
        return model;
    }

    [Fact]
    public async Task A_left_handed_nifti_runs_in_memory_with_labels_on_its_grid_and_a_report_stamped_by_the_given_clock()
    {
        var model = SaveTinyModel();

        var right = SegmentationPipelineTests.Phantom();
        var g = right.Geometry;
        var leftGeometry = g with { Origin = g.IndexToWorld(0, 0, right.SizeZ - 1), AxisK = -g.AxisK };
        var left = new Volume<float>(right.SizeX, right.SizeY, right.SizeZ, leftGeometry);
        for (var z = 0; z < right.SizeZ; z++)
        {
            right.Slice(z).CopyTo(left.Slice(right.SizeZ - 1 - z));
        }

        var path = Path.Combine(dir.FullName, "left.nii.gz");
        await NiftiWriter.WriteAsync(left, path, CancellationToken.None);
        var clock = new FixedClock(new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.Zero));
        using var pipeline = await SegmentationPipeline.LoadAsync(model, SegmentationPipeline.CatalogueFrom(Catalogue), null, CancellationToken.None);
        var useCase = new SegmentationUseCase(pipeline, Catalogue, new SegmentationUseCaseOptions { TimeProvider = clock, SoftwareVersion = "9.9" });

        var outcome = await useCase.RunAsync(SegmentationInput.FromPath(path), null, CancellationToken.None);
        var again = await useCase.RunAsync(SegmentationInput.FromPath(path), null, CancellationToken.None);

        Assert.Equal((left.SizeX, left.SizeY, left.SizeZ), (outcome.Labels.SizeX, outcome.Labels.SizeY, outcome.Labels.SizeZ));
        Assert.True(outcome.Labels.Geometry.Matches(leftGeometry, 1e-3, 1e-5));
        Assert.Equal(outcome.Labels.Data, again.Labels.Data);
        Assert.Null(outcome.OutputDirectory);
        Assert.Empty(outcome.WrittenFiles);
        Assert.Equal("2031-02-03T04:05:06.0000000+00:00", outcome.Report.Created);
        Assert.Equal("ContinualSegment 9.9", outcome.Report.Software);
        Assert.Equal("nifti", outcome.Report.Input.Kind);
        Assert.Null(outcome.Report.Input.SeriesInstanceUid);

        var json = JsonSerializer.Serialize(outcome.Report, SegmentationReportJsonContext.Default.SegmentationReport);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(SegmentationReport.FormatName, doc.RootElement.GetProperty("format").GetString());
        Assert.Equal("near", doc.RootElement.GetProperty("decoders")[0].GetProperty("id").GetString());
        Assert.True(doc.RootElement.GetProperty("timingsSeconds").TryGetProperty("inference", out _));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("model").GetProperty("sliceScoreRange").ValueKind);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task The_label_map_and_the_preview_are_written_only_when_asked_for(bool labels, bool preview)
    {
        var model = SaveTinyModel();

        var path = Path.Combine(dir.FullName, "ct.nii.gz");
        await NiftiWriter.WriteAsync(SegmentationPipelineTests.Phantom(), path, CancellationToken.None);
        using var pipeline = await SegmentationPipeline.LoadAsync(model, SegmentationPipeline.CatalogueFrom(Catalogue), null, CancellationToken.None);
        var options = new SegmentationUseCaseOptions { SoftwareVersion = "9.9" } with { WriteLabels = labels, WritePreview = preview };
        var outDir = Path.Combine(dir.FullName, "out");

        var outcome = await new SegmentationUseCase(pipeline, Catalogue, options).RunAsync(SegmentationInput.FromPath(path), outDir, CancellationToken.None);

        Assert.Equal(labels, File.Exists(Path.Combine(outDir, SegmentationUseCase.LabelsFileName)));
        Assert.Equal(preview, File.Exists(Path.Combine(outDir, SegmentationUseCase.PreviewFileName)));
        Assert.Equal(labels, outcome.WrittenFiles.Any(f => Path.GetFileName(f) == SegmentationUseCase.LabelsFileName));
        Assert.Equal(preview, outcome.WrittenFiles.Any(f => Path.GetFileName(f) == SegmentationUseCase.PreviewFileName));
        Assert.True(File.Exists(Path.Combine(outDir, SegmentationUseCase.ReportFileName)));
        Assert.Equal(labels, outcome.Report.TimingsSeconds.ContainsKey("writeLabels"));
    }

    [Fact]
    public async Task A_series_loaded_ahead_is_segmented_as_its_directory_is()
    {
        var model = SaveTinyModel();

        var series = Path.Combine(dir.FullName, "ct");
        await ContinualSegment.Imaging.Export.CtSeriesWriter.WriteAsync(SegmentationPipelineTests.Phantom(), new ContinualSegment.Imaging.Export.CtSeriesMetadata
        {
            PatientName = "Test^Ahead",
            PatientId = "AHEAD-1",
            StudyInstanceUid = "1.2.3.9.1",
            SeriesInstanceUid = "1.2.3.9.2",
            FrameOfReferenceUid = "1.2.3.9.3",
        }, series, CancellationToken.None);
        using var pipeline = await SegmentationPipeline.LoadAsync(model, SegmentationPipeline.CatalogueFrom(Catalogue), null, CancellationToken.None);
        var clock = new FixedClock(new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.Zero));
        var useCase = new SegmentationUseCase(pipeline, Catalogue, new SegmentationUseCaseOptions { TimeProvider = clock, SoftwareVersion = "9.9" });

        var read = await useCase.RunAsync(SegmentationInput.FromPath(series), Path.Combine(dir.FullName, "read"), "seed", CancellationToken.None);
        var ahead = SegmentationInput.LoadSeries(series, CancellationToken.None);
        Assert.Equal(SegmentationInputKind.LoadedSeries, ahead.Kind);
        var loaded = await useCase.RunAsync(ahead, Path.Combine(dir.FullName, "ahead"), "seed", CancellationToken.None);

        Assert.Equal(read.Report.Structures, loaded.Report.Structures);
        Assert.Equal(series, loaded.Report.Input.SeriesDirectory);
        Assert.Equal(read.Report.Input.SeriesInstanceUid, loaded.Report.Input.SeriesInstanceUid);
        Assert.True(read.Report.TimingsSeconds.ContainsKey("loadSeries"));
        Assert.False(loaded.Report.TimingsSeconds.ContainsKey("loadSeries"));
        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(dir.FullName, "read", "seg.dcm")),
            await File.ReadAllBytesAsync(Path.Combine(dir.FullName, "ahead", "seg.dcm")));
        Assert.Throws<SegmentationInputException>(() => SegmentationInput.LoadSeries(Path.Combine(dir.FullName, "missing"), CancellationToken.None));
    }

    [Fact]
    public async Task A_sheared_affine_is_refused_with_one_line()
    {
        var model = Path.Combine(dir.FullName, "model2");
        var plan = TinyPlans.Plan(TinyPlans.Decoder("near", "wholebody", ["spleen"]));
        using (var bank = new DecoderBank(plan))
        {
            ModelStore.Save(bank, plan, model);
        }

        var sheared = new Volume<float>(8, 8, 4, new Affine3D(Vec3.Zero, new Vec3(1, 0, 0), new Vec3(0.3, 0.954, 0), new Vec3(0, 0, 1), new Vec3(1, 1, 1)));
        var path = Path.Combine(dir.FullName, "sheared.nii");
        await NiftiWriter.WriteAsync(sheared, path, CancellationToken.None);
        using var pipeline = await SegmentationPipeline.LoadAsync(model, SegmentationPipeline.CatalogueFrom(Catalogue), null, CancellationToken.None);

        var refusal = await Assert.ThrowsAsync<SegmentationInputException>(() => new SegmentationUseCase(pipeline, Catalogue).RunAsync(SegmentationInput.FromPath(path), Path.Combine(dir.FullName, "o"), CancellationToken.None));

        Assert.Contains("not orthonormal", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refusal.Message);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
