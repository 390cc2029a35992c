using System.Diagnostics;
using System.Text.Json;
using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Resampling;
using ContinualSegment.Imaging.RtStruct;
using ContinualSegment.Imaging.Segmentation;
using ContinualSegment.Imaging.Series;

namespace ContinualSegment.Imaging.Results;

/// <summary>
/// Writes DICOM-SEG and RTSTRUCT for an existing label map on a CT series: the map is brought onto the series'
/// grid (label-aware resampling when the grids differ), its values are read as a task's labels or catalogue
/// indices, and both objects reference the series' images.
/// </summary>
public static class ResultsWriter
{
    /// <summary>File name of the segmentation.</summary>
    public const string SegmentationFileName = "seg.dcm";

    /// <summary>File name of the structure set.</summary>
    public const string StructureSetFileName = "rtstruct.dcm";

    public static async Task<ResultsOutput> WriteAsync(ResultsRequest request, StructureCatalogue catalogue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(catalogue);
        if (!Directory.Exists(request.SeriesDirectory))
        {
            throw new DirectoryNotFoundException($"series directory not found: {request.SeriesDirectory}");
        }

        if (!File.Exists(request.LabelsPath))
        {
            throw new FileNotFoundException($"label map not found: {request.LabelsPath}", request.LabelsPath);
        }

        var headers = SeriesLoader.LoadHeadersFromDirectory(request.SeriesDirectory, null, cancellationToken);
        var series = headers.Count switch
        {
            0 => throw new InvalidDataException($"no image series in {request.SeriesDirectory}"),
            1 => headers[0],
            _ => throw new InvalidDataException($"{request.SeriesDirectory} holds {headers.Count} series; give a directory with one"),
        };
        var labels = await NiftiReader.ReadLabelsAsync(request.LabelsPath, cancellationToken).ConfigureAwait(false);
        var task = request.Task ?? await TaskFromDatasetJsonAsync(request.LabelsPath, catalogue, cancellationToken).ConfigureAwait(false);
        return await WriteAsync(series, labels, request.OutputDirectory, task, request.Algorithm, catalogue, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes DICOM-SEG and RTSTRUCT for a label map already in memory (e.g. straight from inference) on a loaded series:
    /// the map is brought onto the series' grid when it is not on it, its values are read as <paramref name="task"/>'s
    /// labels or catalogue indices (null), and the Segmentation's pixel data is streamed to the file.
    /// </summary>
    public static Task<ResultsOutput> WriteAsync(
        SeriesHeader series,
        Volume<ushort> labels,
        string outputDirectory,
        string? task,
        SegmentAlgorithm algorithm,
        StructureCatalogue catalogue,
        CancellationToken cancellationToken) =>
        WriteAsync(series, labels, outputDirectory, task, algorithm, catalogue, null, cancellationToken);

    /// <summary>
    /// As <see cref="WriteAsync(SeriesHeader, Volume{ushort}, string, string?, SegmentAlgorithm, StructureCatalogue, CancellationToken)"/>,
    /// with the clock that dates both objects and the logging given.
    /// </summary>
    public static Task<ResultsOutput> WriteAsync(
        SeriesHeader series,
        Volume<ushort> labels,
        string outputDirectory,
        string? task,
        SegmentAlgorithm algorithm,
        StructureCatalogue catalogue,
        ResultsWriterOptions? options,
        CancellationToken cancellationToken) =>
        WriteAsync(series, labels, null, outputDirectory, task, algorithm, catalogue, options, cancellationToken);

    /// <summary>
    /// As <see cref="WriteAsync(SeriesHeader, Volume{ushort}, string, string?, SegmentAlgorithm, StructureCatalogue, ResultsWriterOptions?, CancellationToken)"/>,
    /// with the structures the label map hides (<paramref name="overlaps"/>, on the map's grid): each segment and ROI is then
    /// the structure's own mask, overlaps included, instead of its label plus the lesions the catalogue places in it.
    /// </summary>
    public static async Task<ResultsOutput> WriteAsync(
        SeriesHeader series,
        Volume<ushort> labels,
        StructureOverlaps? overlaps,
        string outputDirectory,
        string? task,
        SegmentAlgorithm algorithm,
        StructureCatalogue catalogue,
        ResultsWriterOptions? options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(catalogue);
        options ??= ResultsWriterOptions.Default;
        var logger = options.LoggerFactory.CreateLogger(typeof(ResultsWriter).FullName!);
        var onGrid = OnSeriesGrid(labels, series, out var resampled);
        if (resampled)
        {
            Log.LabelsResampled(logger, series.SizeX, series.SizeY, series.SizeZ);
            if (overlaps is { IsEmpty: false })
            {
                var mapping = IndexMapping.Between(series.Geometry.ToMatrix4x4(), labels.Geometry.ToMatrix4x4());
                overlaps = overlaps.Resample(labels.Data, onGrid.Data, new GridSize(series.SizeX, series.SizeY, series.SizeZ), mapping);
            }
        }

        Directory.CreateDirectory(outputDirectory);
        var segPath = Path.Combine(outputDirectory, SegmentationFileName);
        var rtPath = Path.Combine(outputDirectory, StructureSetFileName);
        var version = algorithm.Version;
        var clock = Stopwatch.StartNew();
        var now = options.TimeProvider.GetUtcNow();
        var table = LabelTable.FromLabelMap(onGrid, overlaps, catalogue, task);
        var regions = RegionMap.Build(onGrid, table, overlaps);
        var segRequest = SegmentationRequest.FromRegions(series, regions, table, algorithm);
        var rtRequest = RtStructRequest.FromRegions(series, regions, table);

        // The two objects only read the label map and the series, so they are written side by side: the structure
        // set's contouring fills the cores while the Segmentation packs and streams its frames.
        var segTask = Task.Run(
            async () =>
            {
                var watch = Stopwatch.StartNew();
                await SegmentationWriter.WriteAsync(segRequest, segPath, new SegmentationOptions { SeriesInstanceUid = Derived(options.UidSeed, "seg/series"), SopInstanceUid = Derived(options.UidSeed, "seg/instance"), SoftwareVersions = version, ContentDateTime = TimeZoneInfo.ConvertTime(now, options.TimeProvider.LocalTimeZone), LoggerFactory = options.LoggerFactory, Deflate = options.DeflateSegmentation }, cancellationToken).ConfigureAwait(false);
                return watch.Elapsed.TotalSeconds;
            },
            cancellationToken);
        var rtTask = Task.Run(
            async () =>
            {
                var watch = Stopwatch.StartNew();
                var rt = RtStructBuilder.Build(rtRequest, new RtStructOptions(SoftwareVersion: version, AlgorithmDescription: $"{algorithm.Name} {version}"), Derived(options.UidSeed, "rtstruct/series"), Derived(options.UidSeed, "rtstruct/instance"), now);
                await rt.SaveAsync(rtPath, null, cancellationToken).ConfigureAwait(false);
                return watch.Elapsed.TotalSeconds;
            },
            cancellationToken);
        try
        {
            await Task.WhenAll(segTask, rtTask).ConfigureAwait(false);
        }
        catch
        {
            // WhenAll ends only when both have ended: no half-written file, and no half of a result pair, is left behind.
            File.Delete(segPath);
            File.Delete(rtPath);
            throw;
        }

        var names = table.Structures.Values.Select(s => s.Name).ToList();
        var output = new ResultsOutput(segPath, rtPath, names, resampled, task)
        {
            SegmentationSeconds = await segTask.ConfigureAwait(false),
            StructureSetSeconds = await rtTask.ConfigureAwait(false),
            TotalSeconds = clock.Elapsed.TotalSeconds,
        };
        Log.ResultsWritten(logger, names.Count, output.SegmentationSeconds, output.StructureSetSeconds, output.TotalSeconds);
        return output;
    }

    private static string? Derived(string? seed, string purpose) => seed is null ? null : DicomUid.FromName($"{seed}/{purpose}");

    /// <summary>The label map on the series' grid: as it is when the grids agree, else resampled label-aware.</summary>
    public static Volume<ushort> OnSeriesGrid(Volume<ushort> labels, SeriesHeader series, out bool resampled)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(series);
        resampled = !SameGrid(labels, series);
        if (!resampled)
        {
            return labels;
        }

        var target = new GridSize(series.SizeX, series.SizeY, series.SizeZ);
        var mapping = IndexMapping.Between(series.Geometry.ToMatrix4x4(), labels.Geometry.ToMatrix4x4());
        var data = Resampler.LabelAware(labels.Data, new GridSize(labels.SizeX, labels.SizeY, labels.SizeZ), target, mapping);
        return new Volume<ushort>(series.SizeX, series.SizeY, series.SizeZ, series.Geometry, data);
    }

    private static bool SameGrid(Volume<ushort> labels, SeriesHeader series)
    {
        if (labels.SizeX != series.SizeX || labels.SizeY != series.SizeY || labels.SizeZ != series.SizeZ)
        {
            return false;
        }

        // Origins within 0.01 mm, steps within 1e-4 mm.
        return labels.Geometry.Matches(series.Geometry);
    }

    // nnU-Net datasets keep their label table in dataset.json beside imagesTr/labelsTr: its names name the task.
    private static async Task<string?> TaskFromDatasetJsonAsync(string labelsPath, StructureCatalogue catalogue, CancellationToken cancellationToken)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(labelsPath));
        string? json = null;
        for (var up = 0; up < 2 && dir is not null; up++, dir = Path.GetDirectoryName(dir))
        {
            var candidate = Path.Combine(dir, "dataset.json");
            if (File.Exists(candidate))
            {
                json = candidate;
                break;
            }
        }

        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json, cancellationToken).ConfigureAwait(false));
        if (!document.RootElement.TryGetProperty("labels", out var table) || table.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{json} has no \"labels\" table");
        }

        string? task = null;
        foreach (var entry in table.EnumerateObject().Where(e => e.Name != "background"))
        {
            if (!catalogue.TryGet(entry.Name, out var structure) || structure is null)
            {
                throw new InvalidDataException($"{json}: label '{entry.Name}' is not in the structure catalogue");
            }

            if (task is not null && structure.Task != task)
            {
                throw new InvalidDataException($"{json}: labels of tasks {task} and {structure.Task} are mixed");
            }

            task = structure.Task;
            if (entry.Value.GetInt32() != structure.TaskLabel)
            {
                throw new InvalidDataException($"{json}: '{entry.Name}' has value {entry.Value.GetInt32()}, the catalogue's {task} label is {structure.TaskLabel}");
            }
        }

        return task;
    }
}
