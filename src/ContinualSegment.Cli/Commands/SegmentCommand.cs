using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ContinualSegment.Cli.Bench;
using ContinualSegment.Dicom;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Export;
using ContinualSegment.Imaging.Preview;
using ContinualSegment.Imaging.Results;
using ContinualSegment.Imaging.Segmentation;
using ContinualSegment.Imaging.Series;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Pipeline;
using ContinualSegment.Model.Plans;
using TorchSharp;

namespace ContinualSegment.Cli.Commands;

/// <summary><c>cseg segment</c>: runs the whole model offline on one CT series or NIfTI volume and writes the result objects.</summary>
public static class SegmentCommand
{
    /// <summary>File names written into the output directory.</summary>
    internal const string LabelsFileName = "labels.nii.gz";
    internal const string PreviewFileName = "preview.png";
    internal const string ReportFileName = "report.json";
    internal const string CtFolderName = "ct";

    private static readonly string[] ResultFiles = ["seg.dcm", "rtstruct.dcm"];
    private static readonly string[] AlwaysWritten = [LabelsFileName, PreviewFileName, ReportFileName];

    private static readonly JsonSerializerOptions ReportJson = new() { WriteIndented = true };

    public static Command Create(TextWriter output)
    {
        var input = new Option<string>("--input") { Description = "A CT series directory (DICOM), or a CT volume as FILE.nii / FILE.nii.gz. A NIfTI input has no source series: its CT is written as a DICOM series under OUT/ct, which seg.dcm and rtstruct.dcm then reference.", Required = true };
        var outDir = new Option<string>("--out") { Description = "Output directory: seg.dcm, rtstruct.dcm, labels.nii.gz, preview.png, report.json (and ct/ for a NIfTI input).", Required = true };
        var model = new Option<string?>("--model") { Description = "Model directory (plan.json, encoder.bin, decoders/, optional bodypart.bin). Default: models/default next to cseg or in the repository root above it." };
        var threads = new Option<int?>("--threads") { Description = "CPU threads for the networks (default: the runtime's choice)." };
        threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } n && n is < 1 or > 256)
            {
                r.AddError("--threads must be between 1 and 256");
            }
        });
        var command = new Command("segment", "Segment a CT (DICOM series or NIfTI) with the model: writes DICOM-SEG, RTSTRUCT, the label map (catalogue values 1-143), a preview and a JSON report.")
        {
            input, outDir, model, threads,
        };
        command.SetAction(async (parse, ct) =>
        {
            var modelDir = parse.GetValue(model) is { } m ? Path.GetFullPath(m) : DefaultModelDirectory();
            var report = await SegmentAsync(Path.GetFullPath(parse.GetValue(input)!), Path.GetFullPath(parse.GetValue(outDir)!), modelDir, parse.GetValue(threads), ct).ConfigureAwait(false);
            var used = report.Decisions.Where(d => d.Ran).Select(d => d.DecoderId).ToArray();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"segmented {report.InputDescription}: {report.StructureCount} structure(s) by {(used.Length == 0 ? "no decoder" : string.Join(", ", used))} in {report.PipelineSeconds:0.0} s; wrote {report.OutputDirectory}")).ConfigureAwait(false);
            foreach (var d in report.Decisions.Where(d => !d.Ran))
            {
                await output.WriteLineAsync($"skipped decoder {d.DecoderId}: {d.Reason}").ConfigureAwait(false);
            }

            return CsegApp.Success;
        });
        return command;
    }

    /// <summary>
    /// models/default beside the app, else in the closest folder above the app that has one (the repository
    /// root when run from a build folder), else in the current directory.
    /// </summary>
    internal static string DefaultModelDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models", "default");
            if (File.Exists(Path.Combine(candidate, ModelStore.PlanFileName)))
            {
                return candidate;
            }
        }

        var local = Path.Combine(Directory.GetCurrentDirectory(), "models", "default");
        if (Directory.Exists(local))
        {
            return local;
        }

        throw new ModelPlanException("no model given and no models/default (with plan.json) found next to cseg, above it or in the current directory; pass --model DIR");
    }

    /// <summary>Runs the pipeline and writes every output; see the command's description.</summary>
    internal static async Task<SegmentReport> SegmentAsync(string input, string outDir, string modelDir, int? threads, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var isNifti = input.EndsWith(".nii", StringComparison.OrdinalIgnoreCase) || input.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase);
        if (!Directory.Exists(input))
        {
            if (!File.Exists(input))
            {
                throw new FileNotFoundException($"input not found: {input}", input);
            }

            if (!isNifti)
            {
                throw new InvalidDataException($"{input} is neither a DICOM series directory nor a NIfTI file (.nii, .nii.gz)");
            }
        }
        else
        {
            isNifti = false;
        }

        if (threads is { } n)
        {
            torch.set_num_threads(n);
        }

        var phases = new JsonObject();
        var clock = Stopwatch.StartNew();
        void Lap(string phase)
        {
            phases[phase] = Math.Round(clock.Elapsed.TotalSeconds, 3);
            clock.Restart();
        }

        var catalogue = StructureCatalogue.LoadDefault();
        using var pipeline = await SegmentationPipeline.LoadAsync(modelDir, SegmentationPipeline.CatalogueFrom(catalogue), null, cancellationToken).ConfigureAwait(false);
        Lap("loadModel");

        Directory.CreateDirectory(outDir);
        var seriesDir = input;
        if (isNifti)
        {
            seriesDir = await WriteNiftiAsSeriesAsync(input, Path.Combine(outDir, CtFolderName), cancellationToken).ConfigureAwait(false);
            Lap("writeCtSeries");
        }

        var series = LoadSeries(seriesDir, cancellationToken);
        Lap("loadSeries");

        var result = pipeline.Run(series.Volume, cancellationToken);
        foreach (var t in result.Timings)
        {
            phases[t.Phase] = Math.Round(t.Seconds, 3);
        }

        var pipelineSeconds = result.Timings.Sum(t => t.Seconds);
        clock.Restart();

        var labels = result.Labels;
        await NiftiWriter.WriteAsync(labels, Path.Combine(outDir, LabelsFileName), cancellationToken, "cseg labels (catalogue values)").ConfigureAwait(false);
        Lap("writeLabels");

        var colours = catalogue.Structures.ToDictionary(s => s.GlobalIndex, s => (s.Color.R, s.Color.G, s.Color.B));
        var png = PreviewRenderer.RenderPng(
            series.Volume.Data,
            labels.Data,
            (labels.SizeX, labels.SizeY, labels.SizeZ),
            (labels.Spacing.X, labels.Spacing.Y, labels.Spacing.Z),
            colours,
            new PreviewOptions());
        await File.WriteAllBytesAsync(Path.Combine(outDir, PreviewFileName), png, cancellationToken).ConfigureAwait(false);
        Lap("writePreview");

        var stats = LabelMapStatistics.Compute(labels);
        var present = stats.PresentLabels.ToArray();
        var version = PrintVersionAction.Version;
        if (present.Length > 0)
        {
            var written = await ResultsWriter.WriteAsync(series.Header, labels, outDir, null, new SegmentAlgorithm("ContinualSegment", version), catalogue, cancellationToken).ConfigureAwait(false);
            // SEG and RTSTRUCT are written side by side: the phase is their wall time.
            phases["writeResults"] = Math.Round(written.TotalSeconds, 3);
            clock.Restart();
        }

        var report = new SegmentReport(
            isNifti ? $"NIfTI {input}" : $"series {series.Header.SeriesInstanceUid}",
            outDir,
            present.Length,
            pipelineSeconds,
            result.Decisions);
        await WriteReportAsync(Path.Combine(outDir, ReportFileName), input, isNifti, seriesDir, series, pipeline, result, stats, present, catalogue, phases, pipelineSeconds, total.Elapsed.TotalSeconds, cancellationToken).ConfigureAwait(false);
        if (present.Length == 0)
        {
            throw new InvalidDataException($"the model found no structure in the scan; {LabelsFileName}, {PreviewFileName} and {ReportFileName} were written, SEG and RTSTRUCT need at least one structure");
        }

        return report;
    }

    private static LoadedSeries LoadSeries(string directory, CancellationToken cancellationToken)
    {
        var all = SeriesLoader.LoadDirectory(directory, null, cancellationToken);
        var series = all.Count switch
        {
            0 => throw new InvalidDataException($"no image series in {directory}"),
            1 => all[0],
            _ => throw new InvalidDataException($"{directory} holds {all.Count} series; give a directory with one"),
        };
        if (!string.Equals(series.Header.Modality, "CT", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"the series in {directory} has modality '{series.Header.Modality}'; cseg segment needs CT");
        }

        return series;
    }

    private static async Task<string> WriteNiftiAsSeriesAsync(string path, string directory, CancellationToken cancellationToken)
    {
        Volume<float> volume;
        try
        {
            volume = await NiftiReader.ReadFloatAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException($"{path} is not a readable NIfTI volume: {ex.Message}", ex);
        }

        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new IOException($"{directory} already exists and is not empty; give an empty output directory");
        }

        var name = Path.GetFileName(path);
        name = name.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase) ? name[..^7] : name[..^4];
        var metadata = new CtSeriesMetadata
        {
            PatientName = "NIfTI^Input",
            PatientId = name.Length > 64 ? name[..64] : name,
            StudyInstanceUid = DicomUid.Generate(),
            SeriesInstanceUid = DicomUid.Generate(),
            FrameOfReferenceUid = DicomUid.Generate(),
            StudyDateTime = DateTimeOffset.UtcNow,
            SeriesDescription = "CT from NIfTI",
            StudyDescription = "CT",
        };
        await CtSeriesWriter.WriteAsync(volume, metadata, directory, cancellationToken).ConfigureAwait(false);
        return directory;
    }

    private static async Task WriteReportAsync(
        string path,
        string input,
        bool isNifti,
        string seriesDir,
        LoadedSeries series,
        SegmentationPipeline pipeline,
        SegmentationResult result,
        LabelMapStatistics stats,
        int[] present,
        StructureCatalogue catalogue,
        JsonObject phases,
        double pipelineSeconds,
        double totalSeconds,
        CancellationToken cancellationToken)
    {
        var h = series.Header;
        var decoders = new JsonArray();
        foreach (var d in result.Decisions)
        {
            decoders.Add(new JsonObject
            {
                ["id"] = d.DecoderId,
                ["task"] = d.Task,
                ["source"] = d.Source,
                ["used"] = d.Ran,
                ["reason"] = d.Reason,
                ["validSlices"] = d.ValidSlices,
                ["totalSlices"] = d.TotalSlices,
                ["bodyPartRange"] = d.Range is { } r && double.IsFinite(r.Min) && double.IsFinite(r.Max) ? new JsonArray(r.Min, r.Max) : null,
            });
        }

        var structures = new JsonArray();
        foreach (var v in present)
        {
            var s = catalogue.ByGlobalIndex(v);
            structures.Add(new JsonObject
            {
                ["label"] = v,
                ["name"] = s.Name,
                ["task"] = s.Task,
                ["voxels"] = stats.Count(v),
                ["volumeMl"] = Math.Round(stats.VolumeCm3(v), 3),
            });
        }

        var scores = result.SliceScores;
        var report = new JsonObject
        {
            ["format"] = "cseg-segment-report/1",
            ["software"] = $"ContinualSegment {PrintVersionAction.Version}",
            ["created"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["input"] = new JsonObject
            {
                ["path"] = input,
                ["kind"] = isNifti ? "nifti" : "dicom",
                ["seriesDirectory"] = seriesDir,
                ["seriesWrittenFromNifti"] = isNifti,
                ["seriesInstanceUid"] = h.SeriesInstanceUid,
                ["studyInstanceUid"] = h.StudyInstanceUid,
                ["size"] = new JsonArray(h.SizeX, h.SizeY, h.SizeZ),
                ["spacingMm"] = new JsonArray(h.Geometry.Spacing.X, h.Geometry.Spacing.Y, h.Geometry.Spacing.Z),
                ["issues"] = new JsonArray(h.Issues.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray()),
            },
            ["model"] = new JsonObject
            {
                ["directory"] = pipeline.Directory,
                ["encoderFingerprint"] = pipeline.Plan.EncoderFingerprint,
                ["targetSpacingMm"] = new JsonArray(pipeline.Plan.TargetSpacing.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
                ["patchSize"] = new JsonArray(pipeline.Plan.PatchSize.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
                ["bodyPartModel"] = pipeline.HasBodyPartModel,
                ["modelGridSize"] = new JsonArray(result.ModelGridSize.X, result.ModelGridSize.Y, result.ModelGridSize.Z),
                ["sliceScoreRange"] = scores.Count > 0 ? new JsonArray(scores.Min(), scores.Max()) : null,
            },
            ["decoders"] = decoders,
            ["decodersUsed"] = new JsonArray(result.Decisions.Where(d => d.Ran).Select(d => (JsonNode?)JsonValue.Create(d.DecoderId)).ToArray()),
            ["decodersSkipped"] = new JsonArray(result.Decisions.Where(d => !d.Ran).Select(d => (JsonNode?)new JsonObject { ["id"] = d.DecoderId, ["reason"] = d.Reason }).ToArray()),
            ["timingsSeconds"] = phases,
            ["pipelineSeconds"] = Math.Round(pipelineSeconds, 3),
            ["totalSeconds"] = Math.Round(totalSeconds, 3),
            ["peakMemoryBytes"] = InferenceMemory.PeakBytes(),
            ["structures"] = structures,
            ["outputs"] = new JsonArray((present.Length > 0 ? ResultFiles : []).Concat(AlwaysWritten).Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
        };
        await File.WriteAllTextAsync(path, report.ToJsonString(ReportJson) + "\n", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What a segment run produced (for the console line and the benchmark).</summary>
    internal sealed record SegmentReport(string InputDescription, string OutputDirectory, int StructureCount, double PipelineSeconds, IReadOnlyList<DecoderDecision> Decisions);
}
