using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ContinualSegment.Dicom.IO;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Preview;
using ContinualSegment.Imaging.Results;
using ContinualSegment.Imaging.Segmentation;
using ContinualSegment.Model.Runtime;
using Microsoft.Extensions.Logging;

namespace ContinualSegment.Model.Pipeline;

/// <summary>
/// Segmentation as one use case, shared by <c>cseg segment</c> and the node's workers: a CT (series directory,
/// NIfTI file or loaded series) and a loaded model (<see cref="SegmentationPipeline"/>, shared across calls and
/// threads one run at a time) in, a label map on the input's own grid and a typed report out; with an output
/// directory it also writes <c>labels.nii.gz</c>, <c>preview.png</c>, <c>report.json</c> and, when a structure was
/// found and the input is a series (a NIfTI input is first written as one under <c>ct/</c>), <c>seg.dcm</c> and
/// <c>rtstruct.dcm</c>.
/// </summary>
public sealed class SegmentationUseCase
{
    /// <summary>File names written into the output directory.</summary>
    public const string LabelsFileName = "labels.nii.gz";

    public const string PreviewFileName = "preview.png";

    public const string ReportFileName = "report.json";

    /// <summary>The folder under the output directory where a NIfTI input is written as a CT series.</summary>
    public const string CtFolderName = "ct";

    private readonly SegmentationPipeline model;
    private readonly StructureCatalogue catalogue;
    private readonly SegmentationUseCaseOptions options;
    private readonly ILogger logger;

    /// <summary>Creates the use case over a loaded model (not owned: the caller disposes it).</summary>
    public SegmentationUseCase(SegmentationPipeline model, StructureCatalogue catalogue, SegmentationUseCaseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(catalogue);
        this.model = model;
        this.catalogue = catalogue;
        this.options = options ?? new SegmentationUseCaseOptions();
        logger = this.options.LoggerFactory.CreateLogger<SegmentationUseCase>();
    }

    /// <summary>
    /// Segments <paramref name="input"/>; writes the outputs into <paramref name="outputDirectory"/> (created when
    /// missing) unless it is null. A scan in which no structure is found is a result too
    /// (<see cref="SegmentationOutcome.StructureCount"/> 0: no SEG or RTSTRUCT is written).
    /// </summary>
    /// <exception cref="SegmentationInputException">The input cannot be segmented; the message says why in one line.</exception>
    public Task<SegmentationOutcome> RunAsync(SegmentationInput input, string? outputDirectory, CancellationToken cancellationToken) =>
        RunAsync(input, outputDirectory, null, cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync(SegmentationInput, string?, CancellationToken)"/>; with <paramref name="resultUidSeed"/> the SEG's
    /// and RTSTRUCT's UIDs are derived from it, so running the same job again writes objects with the same UIDs.
    /// </summary>
    public async Task<SegmentationOutcome> RunAsync(SegmentationInput input, string? outputDirectory, string? resultUidSeed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var total = Stopwatch.StartNew();
        var timings = new Dictionary<string, double>(StringComparer.Ordinal) { ["loadModel"] = Math.Round(model.LoadSeconds, 3) };
        var clock = Stopwatch.StartNew();
        void Lap(string phase)
        {
            timings[phase] = Math.Round(clock.Elapsed.TotalSeconds, 3);
            Log.PhaseCompleted(logger, phase, clock.Elapsed.TotalSeconds);
            clock.Restart();
        }

        var outDir = outputDirectory is null ? null : Path.GetFullPath(outputDirectory);
        if (outDir is not null)
        {
            Directory.CreateDirectory(outDir);
        }

        var prepared = await PrepareAsync(input, outDir, Lap, cancellationToken).ConfigureAwait(false);
        CheckModelGrid(prepared.Volume);
        var result = model.Run(prepared.Volume, options.Decoders, cancellationToken);
        foreach (var t in result.Timings)
        {
            timings[t.Phase] = Math.Round(t.Seconds, 3);
        }

        LogDecisions(result.Decisions);
        clock.Restart();
        var labels = input.Kind == SegmentationInputKind.NiftiFile
            ? NiftiInputReader.ToInputGrid(result.Labels, prepared.Volume.Geometry, prepared.InputGeometry, prepared.SlicesReversed)
            : result.Labels;
        var stats = LabelMapStatistics.Compute(result.Labels);
        // A structure counts as found when the label map shows it or it lies wholly beneath another (its overlaps).
        var present = stats.PresentLabels.Union(result.Overlaps?.Hidden.Keys.Select(static k => (int)k) ?? []).Order().ToArray();
        var written = new List<string>();
        if (outDir is not null)
        {
            await WriteOutputsAsync(prepared, result.Labels, result.Overlaps, labels, present.Length > 0, outDir, resultUidSeed, written, timings, Lap, cancellationToken).ConfigureAwait(false);
        }

        var outputs = written.Select(f => Path.GetFileName(f)).Concat(outDir is null ? [] : [ReportFileName]).ToList();
        var report = Report(input, prepared, result, stats, present, timings, total.Elapsed.TotalSeconds, outputs);
        if (outDir is not null)
        {
            var path = Path.Combine(outDir, ReportFileName);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(report, SegmentationReportJsonContext.Default.SegmentationReport);
            await DurableFile.ReplaceAsync(path, async (stream, ct) =>
            {
                await stream.WriteAsync(bytes, ct).ConfigureAwait(false);
                stream.WriteByte((byte)'\n');
            }, cancellationToken).ConfigureAwait(false);
            written.Add(path);
        }

        Log.SegmentationCompleted(logger, present.Length, report.PipelineSeconds, total.Elapsed.TotalSeconds);
        return new SegmentationOutcome(labels, report, result.Decisions, outDir, written);
    }

    private async Task<PreparedInput> PrepareAsync(SegmentationInput input, string? outDir, Action<string> lap, CancellationToken cancellationToken)
    {
        switch (input.Kind)
        {
            case SegmentationInputKind.LoadedSeries:
            {
                var series = input.Series!;
                SeriesInput.Check(series, input.Path ?? "the given series");
                return new PreparedInput(series.Volume, series.Header, input.Path, series.Volume.Geometry, false);
            }

            case SegmentationInputKind.SeriesDirectory:
            {
                var series = SeriesInput.Load(input.Path!, cancellationToken);
                lap("loadSeries");
                return new PreparedInput(series.Volume, series.Header, input.Path, series.Volume.Geometry, false);
            }

            default:
            {
                var path = input.Path!;
                var volume = await NiftiInputReader.ReadAsync(path, cancellationToken).ConfigureAwait(false);
                var rightHanded = NiftiInputReader.RightHanded(volume, out var reversed);
                if (reversed)
                {
                    Log.SlicesReversed(logger, volume.SizeZ);
                }

                if (outDir is null)
                {
                    return new PreparedInput(rightHanded, null, null, volume.Geometry, reversed);
                }

                var seriesDir = Path.Combine(outDir, CtFolderName);
                await NiftiInputReader.WriteSeriesAsync(path, rightHanded, seriesDir, options.TimeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                lap("writeCtSeries");
                var series = SeriesInput.Load(seriesDir, cancellationToken);
                lap("loadSeries");
                return new PreparedInput(series.Volume, series.Header, seriesDir, volume.Geometry, reversed);
            }
        }
    }

    private void CheckModelGrid(Volume<float> volume)
    {
        var target = model.Plan.TargetSpacing;
        var s = volume.Geometry.Spacing;
        double voxels = Math.Max(1, Math.Round(volume.SizeX * s.X / target[2]))
            * Math.Max(1, Math.Round(volume.SizeY * s.Y / target[1]))
            * Math.Max(1, Math.Round(volume.SizeZ * s.Z / target[0]));
        if (!double.IsFinite(voxels) || voxels > options.MaxModelGridVoxels)
        {
            throw new SegmentationInputException(string.Create(
                CultureInfo.InvariantCulture,
                $"the scan ({volume.SizeX}×{volume.SizeY}×{volume.SizeZ} voxels of {s.X:0.###}×{s.Y:0.###}×{s.Z:0.###} mm) would need a model grid of {voxels:0} voxels at the model's spacing; at most {options.MaxModelGridVoxels} are allowed"));
        }
    }

    private async Task WriteOutputsAsync(
        PreparedInput prepared,
        Volume<ushort> runLabels,
        StructureOverlaps? overlaps,
        Volume<ushort> inputLabels,
        bool anyStructure,
        string outDir,
        string? uidSeed,
        List<string> written,
        Dictionary<string, double> timings,
        Action<string> lap,
        CancellationToken cancellationToken)
    {
        var labelsPath = Path.Combine(outDir, LabelsFileName);
        if (options.WriteLabels)
        {
            await NiftiWriter.WriteAsync(inputLabels, labelsPath, cancellationToken, "cseg labels (catalogue values)").ConfigureAwait(false);
            lap("writeLabels");
        }

        var previewPath = Path.Combine(outDir, PreviewFileName);
        if (options.WritePreview)
        {
            var colours = catalogue.Structures.ToDictionary(s => s.GlobalIndex, s => (s.Color.R, s.Color.G, s.Color.B));
            var ct = prepared.Volume;
            var png = PreviewRenderer.RenderPng(ct.Data, runLabels.Data, (ct.SizeX, ct.SizeY, ct.SizeZ), (ct.Spacing.X, ct.Spacing.Y, ct.Spacing.Z), colours, options.Preview);
            await File.WriteAllBytesAsync(previewPath, png, cancellationToken).ConfigureAwait(false);
            lap("writePreview");
        }

        if (anyStructure && prepared.Header is { } header)
        {
            var results = await ResultsWriter.WriteAsync(header, runLabels, overlaps, outDir, null, new SegmentAlgorithm(options.SoftwareName, options.SoftwareVersion), catalogue, new ResultsWriterOptions { TimeProvider = options.TimeProvider, LoggerFactory = options.LoggerFactory, UidSeed = uidSeed, DeflateSegmentation = options.DeflateSegmentation }, cancellationToken).ConfigureAwait(false);

            // SEG and RTSTRUCT are written side by side: the phase is their wall time.
            timings["writeResults"] = Math.Round(results.TotalSeconds, 3);
            Log.PhaseCompleted(logger, "writeResults", results.TotalSeconds);
            written.Add(results.SegmentationPath);
            written.Add(results.StructureSetPath);
        }

        if (options.WriteLabels)
        {
            written.Add(labelsPath);
        }

        if (options.WritePreview)
        {
            written.Add(previewPath);
        }
    }

    private SegmentationReport Report(
        SegmentationInput input,
        PreparedInput prepared,
        SegmentationResult result,
        LabelMapStatistics stats,
        int[] present,
        Dictionary<string, double> timings,
        double elapsedSeconds,
        List<string> outputs)
    {
        var h = prepared.Header;
        var v = prepared.Volume;
        var isNifti = input.Kind == SegmentationInputKind.NiftiFile;
        var reportInput = new SegmentationReportInput(
            input.Path,
            isNifti ? "nifti" : "dicom",
            prepared.SeriesDirectory,
            isNifti && h is not null,
            h?.SeriesInstanceUid,
            h?.StudyInstanceUid,
            [v.SizeX, v.SizeY, v.SizeZ],
            [v.Spacing.X, v.Spacing.Y, v.Spacing.Z],
            h?.Issues ?? []);
        var scores = result.SliceScores;
        var reportModel = new SegmentationReportModel(
            model.Directory,
            model.Plan.EncoderFingerprint,
            model.Plan.TargetSpacing,
            model.Plan.PatchSize,
            model.HasBodyPartModel,
            [result.ModelGridSize.X, result.ModelGridSize.Y, result.ModelGridSize.Z],
            scores.Count > 0 ? [scores.Min(), scores.Max()] : null);
        var decoders = result.Decisions.Select(d => new SegmentationReportDecoder(
            d.DecoderId,
            d.Task,
            d.Source,
            d.Ran,
            d.Reason,
            d.ValidSlices,
            d.TotalSlices,
            d.Range is { } r && double.IsFinite(r.Min) && double.IsFinite(r.Max) ? [r.Min, r.Max] : null)).ToList();
        var structures = present.Select(label =>
        {
            var s = catalogue.ByGlobalIndex(label);
            long voxels = stats.Count(label) + (result.Overlaps is { } o && o.Hidden.TryGetValue((ushort)label, out var beneath) ? beneath.Length : 0);
            return new SegmentationReportStructure(label, s.Name, s.Task, voxels, Math.Round(voxels * stats.VoxelVolumeMm3 / 1000.0, 3));
        }).ToList();
        var pipelineSeconds = result.Timings.Sum(t => t.Seconds);
        return new SegmentationReport(
            SegmentationReport.FormatName,
            $"{options.SoftwareName} {options.SoftwareVersion}",
            options.TimeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            reportInput,
            reportModel,
            decoders,
            result.Decisions.Where(d => d.Ran).Select(d => d.DecoderId).ToList(),
            result.Decisions.Where(d => !d.Ran).Select(d => new SegmentationReportSkip(d.DecoderId, d.Reason)).ToList(),
            timings,
            Math.Round(pipelineSeconds, 3),
            Math.Round(model.LoadSeconds + elapsedSeconds, 3),
            ProcessMemory.PeakBytes(),
            structures,
            outputs);
    }

    private void LogDecisions(IReadOnlyList<DecoderDecision> decisions)
    {
        foreach (var d in decisions)
        {
            if (d.Ran)
            {
                Log.DecoderRan(logger, d.DecoderId, d.ValidSlices, d.TotalSlices);
            }
            else
            {
                Log.DecoderSkipped(logger, d.DecoderId, d.Reason);
            }
        }
    }
}
