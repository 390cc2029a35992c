using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ContinualSegment.Cli.Commands;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Export;
using ContinualSegment.Imaging.Results;
using ContinualSegment.Imaging.Segmentation;
using ContinualSegment.Imaging.Series;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Pipeline;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Runtime;
using ContinualSegment.Phantom;
using TorchSharp;

namespace ContinualSegment.Cli.Bench;

/// <summary>
/// Inference against result writing on one study: a whole-body phantom CT (512×512×300 by default, as DICOM)
/// with its ground-truth label map of every catalogue structure it contains (catalogue values). The model runs
/// on it in a child process (its peak memory is its own); SEG and RTSTRUCT of the ground truth are then timed
/// here, and written once more by a child <c>cseg results write</c> whose peak memory is measured. The ratio of
/// the writing time to the inference time is issue #5's figure (goal ≤ 5 %), the writer's peak its memory
/// figure (goal &lt; 2 GB).
/// </summary>
public sealed class InferenceBenchmark
{
    private const string CtFolder = "ct";
    private const string TruthFile = "truth.nii.gz";

    // Timed SEG + RTSTRUCT passes after the untimed one; the median is reported.
    private const int TimedWritePasses = 5;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly InferenceBenchmarkOptions options;
    private readonly TextWriter output;

    public InferenceBenchmark(InferenceBenchmarkOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        this.output = output ?? throw new ArgumentNullException(nameof(output));
    }

    /// <summary>Runs the model on <paramref name="seriesDirectory"/> and writes its timings and peak memory to <paramref name="reportPath"/> (the child stage).</summary>
    public static async Task RunInferenceStageAsync(string seriesDirectory, string modelDirectory, string reportPath, int? threads, CancellationToken cancellationToken)
    {
        TorchRuntime.Configure(new TorchRuntimeOptions { Threads = threads });
        var clock = Stopwatch.StartNew();
        using var pipeline = await SegmentationPipeline.LoadAsync(modelDirectory, SegmentationPipeline.CatalogueFrom(StructureCatalogue.LoadDefault()), null, cancellationToken).ConfigureAwait(false);
        var loadModel = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var series = Single(SeriesLoader.LoadDirectory(seriesDirectory, null, cancellationToken), seriesDirectory);
        var loadSeries = clock.Elapsed.TotalSeconds;
        var result = pipeline.Run(series.Volume, cancellationToken);
        var timings = new JsonObject();
        foreach (var t in result.Timings)
        {
            timings[t.Phase] = Math.Round(t.Seconds, 3);
        }

        var report = new JsonObject
        {
            ["loadModelSeconds"] = Math.Round(loadModel, 3),
            ["loadSeriesSeconds"] = Math.Round(loadSeries, 3),
            ["pipelineSeconds"] = Math.Round(result.Timings.Sum(t => t.Seconds), 3),
            ["timingsSeconds"] = timings,
            ["modelGrid"] = new JsonArray(result.ModelGridSize.X, result.ModelGridSize.Y, result.ModelGridSize.Z),
            ["decodersRun"] = new JsonArray(result.Decisions.Where(d => d.Ran).Select(d => (JsonNode?)JsonValue.Create(d.DecoderId)).ToArray()),
            ["threads"] = torch.get_num_threads(),
            ["peakMemoryBytes"] = ProcessMemory.PeakBytes(),
        };
        await File.WriteAllTextAsync(reportPath, report.ToJsonString(Indented), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the benchmark and prints its figures.</summary>
    public async Task<JsonObject> RunAsync(CancellationToken cancellationToken)
    {
        var work = Path.GetFullPath(options.WorkDirectory);
        Directory.CreateDirectory(work);
        var catalogue = StructureCatalogue.LoadDefault();
        var model = options.ModelDirectory is { } m ? Path.GetFullPath(m)
            : options.Untrained ? BuildUntrainedModel(Path.Combine(work, "model-untrained"), catalogue)
            : SegmentCommand.DefaultModelDirectory();
        var seriesDir = Path.Combine(work, CtFolder);
        var truthPath = Path.Combine(work, TruthFile);
        var study = await EnsureStudyAsync(seriesDir, truthPath, options.Size, options.Slices, options.Seed, catalogue, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(study).ConfigureAwait(false);
        await output.WriteLineAsync($"model: {model}{(options.Untrained ? " (untrained weights: timing only)" : string.Empty)}").ConfigureAwait(false);

        // 1. Inference in its own process.
        var inferenceReport = Path.Combine(work, "inference.json");
        File.Delete(inferenceReport);
        var args = new List<string> { "bench", "inference", "--stage-infer", seriesDir, "--stage-report", inferenceReport, "--model", model };
        if (options.Threads is { } threads)
        {
            args.AddRange(["--threads", threads.ToString(CultureInfo.InvariantCulture)]);
        }

        var inferenceChild = await RunChildAsync(args, cancellationToken).ConfigureAwait(false);
        var inference = JsonNode.Parse(await File.ReadAllTextAsync(inferenceReport, cancellationToken).ConfigureAwait(false))!.AsObject();
        var inferenceSeconds = inference["pipelineSeconds"]!.GetValue<double>();
        var inferencePeak = Math.Max(inferenceChild.PeakBytes, inference["peakMemoryBytes"]?.GetValue<long>() ?? 0);
        var phases = string.Join(", ", inference["timingsSeconds"]!.AsObject().Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value!.GetValue<double>():0.0}")));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"inference: {inferenceSeconds:0.0} s ({phases}; decoders {inference["decodersRun"]!.ToJsonString()}; {inference["threads"]} threads), peak memory {Gb(inferencePeak)} GB")).ConfigureAwait(false);

        // 2. SEG and RTSTRUCT of the ground truth, timed one by one in this process.
        var header = Single(SeriesLoader.LoadHeadersFromDirectory(seriesDir, null, cancellationToken), seriesDir);
        var truth = await NiftiReader.ReadLabelsAsync(truthPath, cancellationToken).ConfigureAwait(false);
        var version = PrintVersionAction.Version;
        var inproc = Path.Combine(work, "results-inprocess");
        // One untimed pass first, then the median of a few timed ones: a running node writes results for every
        // study, so its writers run compiled at the runtime's top tier, which one call does not reach (the
        // tiered compiler recompiles hot methods in the background after their first calls).
        var algorithm = new SegmentAlgorithm("ContinualSegment", version);
        _ = await ResultsWriter.WriteAsync(header, truth, Path.Combine(work, "results-warmup"), null, algorithm, catalogue, cancellationToken).ConfigureAwait(false);
        var passes = new List<ResultsOutput>();
        for (var pass = 0; pass < TimedWritePasses; pass++)
        {
            passes.Add(await ResultsWriter.WriteAsync(header, truth, inproc, null, algorithm, catalogue, cancellationToken).ConfigureAwait(false));
        }

        var segSeconds = BenchStatistics.Median(passes.Select(p => p.SegmentationSeconds));
        var rtSeconds = BenchStatistics.Median(passes.Select(p => p.StructureSetSeconds));
        var structures = passes[0].Structures.Count;
        var totalSeconds = BenchStatistics.Median(passes.Select(p => p.TotalSeconds));
        var ratio = totalSeconds / inferenceSeconds;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"SEG ({structures} structures): {segSeconds:0.00} s; RTSTRUCT: {rtSeconds:0.00} s; both, written side by side: {totalSeconds:0.00} s (median of {TimedWritePasses} passes: {string.Join(", ", passes.Select(p => p.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)))}) = {ratio * 100:0.00} % of inference (goal ≤ 5 %)")).ConfigureAwait(false);

        // 3. The same writing by `cseg results write` in its own process, for its peak memory.
        var resultsDir = Path.Combine(work, "results");
        var writer = await RunChildAsync(["results", "write", "--series", seriesDir, "--labels", truthPath, "--out", resultsDir], cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"cseg results write (child: load series + labels, SEG, RTSTRUCT): {writer.Seconds:0.00} s wall ({writer.Seconds / inferenceSeconds * 100:0.00} % of inference), peak memory {Gb(writer.PeakBytes)} GB (goal < 2 GB)")).ConfigureAwait(false);

        var summary = new JsonObject
        {
            ["study"] = study,
            ["model"] = model,
            ["untrained"] = options.Untrained,
            ["inference"] = inference.DeepClone(),
            ["inferencePeakMemoryBytes"] = inferencePeak,
            ["segSeconds"] = Math.Round(segSeconds, 3),
            ["rtstructSeconds"] = Math.Round(rtSeconds, 3),
            ["writeSeconds"] = Math.Round(totalSeconds, 3),
            ["structures"] = structures,
            ["writeToInferenceRatio"] = Math.Round(ratio, 5),
            ["resultsWriteChildSeconds"] = Math.Round(writer.Seconds, 3),
            ["resultsWriteChildPeakMemoryBytes"] = writer.PeakBytes,
        };
        await File.WriteAllTextAsync(Path.Combine(work, "bench-inference.json"), summary.ToJsonString(Indented), cancellationToken).ConfigureAwait(false);
        return summary;
    }

    /// <summary>The one series (or series header) a benchmark's directory holds; anything else is an error naming the directory.</summary>
    internal static T Single<T>(IReadOnlyList<T> series, string dir)
        => series.Count == 1 ? series[0] : throw new InvalidDataException($"{dir} holds {series.Count} series, expected one");

    private static string Gb(long bytes) => (bytes / 1e9).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>An untrained model with the shipped CPU plan and one full decoder per catalogue task.</summary>
    private static string BuildUntrainedModel(string directory, StructureCatalogue catalogue)
    {
        if (File.Exists(Path.Combine(directory, ModelStore.PlanFileName)))
        {
            return directory;
        }

        var basePlan = ModelPlanSerializer.Load(TrainCommand.DefaultPlanPath);
        var stages = basePlan.Encoder.Stages.Count;
        var plan = basePlan with
        {
            Decoders = catalogue.Tasks.Select(task => new DecoderPlan
            {
                Id = task,
                Task = task,
                Classes = catalogue.ForTask(task).OrderBy(s => s.TaskLabel).Select(s => s.Name).ToArray(),
                Genotype = DecoderGenotype.Full(stages),
            }).ToArray(),
        };
        torch.manual_seed(1);
        using var bank = new DecoderBank(plan);
        ModelStore.Save(bank, plan, directory);
        return directory;
    }

    /// <summary>The whole-body phantom study as DICOM plus its ground truth; reused when both are already there.</summary>
    internal static async Task<string> EnsureStudyAsync(string seriesDir, string truthPath, int size, int slices, int seed, StructureCatalogue catalogue, CancellationToken cancellationToken)
    {
        if (File.Exists(truthPath) && Directory.Exists(seriesDir) && Directory.GetFiles(seriesDir, "*.dcm").Length == slices)
        {
            var existing = await NiftiReader.ReadHeaderAsync(truthPath, cancellationToken).ConfigureAwait(false);
            if (existing.Dim[1] == size && existing.Dim[2] == size && existing.Dim[3] == slices)
            {
                return $"study: reusing {seriesDir} and {truthPath}";
            }
        }

        var clock = Stopwatch.StartNew();

        // The scan length depends on the drawn subject only: measure it on a coarse 1 mm grid, then pick the
        // slice spacing that gives exactly the requested number of slices.
        var probe = new PhantomGenerator(catalogue, new PhantomGeneratorOptions { InPlaneSize = 32, SliceSpacingMm = 1.0, PartialVolume = false, Noise = false, Streaks = false })
            .Generate("wholebody", seed, 0, cancellationToken);
        // The probe's SizeZ slices at 1 mm span at least SizeZ − 1 mm: that length over Slices − 0.5 steps leaves
        // at least Slices slices at the chosen spacing, and the crop takes exactly that many.
        var lengthMm = probe.Image.SizeZ - 1.0;
        var spacing = lengthMm / (slices - 0.5);
        if (spacing is < 0.3 or > 20)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{slices} slices over the phantom's {lengthMm} mm need {spacing:0.##} mm slices; the phantom allows 0.3-20 mm"));
        }

        var phantom = new PhantomGenerator(catalogue, new PhantomGeneratorOptions { InPlaneSize = size, SliceSpacingMm = spacing })
            .Generate("wholebody", seed, 0, cancellationToken);
        if (phantom.Image.SizeZ < slices)
        {
            throw new InvalidDataException($"the phantom has {phantom.Image.SizeZ} slices, fewer than {slices}");
        }

        var image = Crop(phantom.Image, slices);
        var truth = new Volume<ushort>(image.SizeX, image.SizeY, image.SizeZ, image.Geometry);
        var map = phantom.StructureMap.Data;
        for (var i = 0; i < truth.Length; i++)
        {
            var v = map[i];
            truth.Data[i] = v >= 1 && v <= catalogue.Count ? v : (ushort)0;
        }

        if (Directory.Exists(seriesDir))
        {
            Directory.Delete(seriesDir, recursive: true);
        }

        await CtSeriesWriter.WriteAsync(image, PhantomDicomSink.Metadata(phantom), seriesDir, cancellationToken).ConfigureAwait(false);
        await NiftiWriter.WriteAsync(truth, truthPath, cancellationToken, "ground truth (catalogue values)").ConfigureAwait(false);
        var present = truth.Data.Distinct().Count(v => v != 0);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"study: wholebody phantom {image.SizeX}×{image.SizeY}×{image.SizeZ}, {image.Spacing.X:0.###}×{image.Spacing.Y:0.###}×{image.Spacing.Z:0.###} mm, {present} of {catalogue.Count} catalogue structures in the ground truth (built in {clock.Elapsed.TotalSeconds:0.0} s)");
    }

    private static Volume<short> Crop(Volume<short> image, int slices)
    {
        if (image.SizeZ == slices)
        {
            return image;
        }

        var data = image.Data.AsSpan(0, image.SliceLength * slices).ToArray();
        return new Volume<short>(image.SizeX, image.SizeY, slices, image.Geometry, data);
    }

    private static async Task<(double Seconds, long PeakBytes)> RunChildAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var apphost = Path.Combine(AppContext.BaseDirectory, "cseg");
        var start = File.Exists(apphost) ? new ProcessStartInfo(apphost) : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "cseg.dll") } };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new IOException($"{start.FileName} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        long peak = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, ProcessMemory.PeakBytes(process.Id) ?? 0);
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        var error = await stderr.ConfigureAwait(false);
        _ = await stdout.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new IOException($"cseg {string.Join(' ', args)} failed with exit code {process.ExitCode}: {error.ReplaceLineEndings(" ").Trim()}");
        }

        return (seconds, peak);
    }
}
