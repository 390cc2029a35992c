using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ContinualSegment.Cli.Experiment;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Series;
using ContinualSegment.Model.Pipeline;
using ContinualSegment.Model.Runtime;
using TorchSharp;

namespace ContinualSegment.Cli.Bench;

/// <summary>
/// The continual model (one encoder run once, every task's decoder on its features) against the separate full models
/// it replaces (one per task, each with its own encoder), on the same CT in the same process: each model's inference
/// time (the whole pipeline: resampling, body-part gating, networks, merge, labels back to the CT's grid) and its
/// parameters, and the two ratios (continual / sum of the separate models; goal ≤ 0.4 each).
/// </summary>
public sealed class MethodsBenchmark
{
    /// <summary>The goal for both ratios.</summary>
    public const double Goal = 0.4;

    /// <summary>The file the figures are written to, in the work directory.</summary>
    public const string ResultFileName = "bench-methods.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly MethodsBenchmarkOptions options;
    private readonly TextWriter output;

    public MethodsBenchmark(MethodsBenchmarkOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        this.output = output ?? throw new ArgumentNullException(nameof(output));
    }

    /// <summary>Runs the benchmark, prints its figures and writes them to <see cref="ResultFileName"/>.</summary>
    public async Task<JsonObject> RunAsync(CancellationToken cancellationToken)
    {
        var work = Path.GetFullPath(options.WorkDirectory);
        Directory.CreateDirectory(work);
        TorchRuntime.Configure(new TorchRuntimeOptions { Threads = options.Threads });
        var catalogue = StructureCatalogue.LoadDefault();
        string seriesDir, study;
        if (options.Series is { } given)
        {
            seriesDir = Path.GetFullPath(given);
            study = $"CT series {seriesDir}";
        }
        else
        {
            seriesDir = Path.Combine(work, "ct");
            study = await InferenceBenchmark.EnsureStudyAsync(seriesDir, Path.Combine(work, "truth.nii.gz"), options.Size, options.Slices, options.Seed, catalogue, cancellationToken).ConfigureAwait(false);
        }

        var ct = InferenceBenchmark.Single(SeriesLoader.LoadDirectory(seriesDir, null, cancellationToken), seriesDir).Volume;
        if (options.Series is not null)
        {
            study += $" ({ct.SizeX}×{ct.SizeY}×{ct.SizeZ})";
        }

        await output.WriteLineAsync(study).ConfigureAwait(false);
        var directories = options.SeparateModels.Prepend(options.ContinualModel).Select(Path.GetFullPath).ToArray();
        var pipelines = new List<SegmentationPipeline>();
        try
        {
            var mergeCatalogue = SegmentationPipeline.CatalogueFrom(catalogue);
            foreach (var directory in directories)
            {
                pipelines.Add(await SegmentationPipeline.LoadAsync(directory, mergeCatalogue, null, cancellationToken).ConfigureAwait(false));
            }

            // Every model runs once untimed on a small volume first: the runtime compiles its code in tiers.
            var warmUp = SmallVolume();
            foreach (var pipeline in pipelines)
            {
                _ = pipeline.Run(warmUp, cancellationToken);
            }

            // Timed runs, the models taking turns so that a slower or faster spell of the machine falls on all of them.
            var seconds = directories.Select(_ => new List<double>()).ToArray();
            var inference = directories.Select(_ => new List<double>()).ToArray();
            var ran = new string[directories.Length][];
            for (var repeat = 0; repeat < options.Repeats; repeat++)
            {
                for (var m = 0; m < pipelines.Count; m++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var clock = Stopwatch.StartNew();
                    var result = pipelines[m].Run(ct, cancellationToken);
                    seconds[m].Add(clock.Elapsed.TotalSeconds);
                    inference[m].Add(result.Timings.Where(t => t.Phase == "inference").Sum(t => t.Seconds));
                    ran[m] = [.. result.Decisions.Where(d => d.Ran).Select(d => d.DecoderId)];
                }
            }

            var entries = new JsonObject[directories.Length];
            var parameters = new long[directories.Length];
            for (var m = 0; m < directories.Length; m++)
            {
                parameters[m] = ModelParameterCounter.Count(directories[m], directories[m]).Total;
                entries[m] = new JsonObject
                {
                    ["model"] = directories[m],
                    ["parameters"] = parameters[m],
                    ["seconds"] = Math.Round(BenchStatistics.Median(seconds[m]), 3),
                    ["inferenceSeconds"] = Math.Round(BenchStatistics.Median(inference[m]), 3),
                    ["runs"] = new JsonArray([.. seconds[m].Select(s => (JsonNode?)Math.Round(s, 3))]),
                    ["decodersRun"] = new JsonArray([.. ran[m].Select(d => (JsonNode?)d)]),
                };
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{(m == 0 ? "continual" : "separate "),-9} {directories[m]}: {entries[m]["seconds"]} s (networks {entries[m]["inferenceSeconds"]} s; decoders {string.Join(' ', ran[m])}), {parameters[m]:N0} parameters")).ConfigureAwait(false);
            }

            double continualSeconds = BenchStatistics.Median(seconds[0]);
            double separateSeconds = Enumerable.Range(1, directories.Length - 1).Sum(m => BenchStatistics.Median(seconds[m]));
            long separateParameters = parameters.Skip(1).Sum();
            double timeRatio = continualSeconds / separateSeconds;
            double parameterRatio = (double)parameters[0] / separateParameters;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"separate models together: {separateSeconds:0.00} s, {separateParameters:N0} parameters")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"continual / separate: time {timeRatio:0.000} (goal ≤ {Goal}), parameters {parameterRatio:0.000} (goal ≤ {Goal}); {torch.get_num_threads()} threads, median of {options.Repeats} run(s)")).ConfigureAwait(false);
            var summary = new JsonObject
            {
                ["study"] = study,
                ["threads"] = torch.get_num_threads(),
                ["repeats"] = options.Repeats,
                ["continual"] = entries[0],
                ["separate"] = new JsonArray([.. entries.Skip(1)]),
                ["separateSeconds"] = Math.Round(separateSeconds, 3),
                ["separateParameters"] = separateParameters,
                ["timeRatio"] = Math.Round(timeRatio, 4),
                ["parameterRatio"] = Math.Round(parameterRatio, 4),
                ["goal"] = Goal,
            };
            await File.WriteAllTextAsync(Path.Combine(work, ResultFileName), summary.ToJsonString(Indented), cancellationToken).ConfigureAwait(false);
            return summary;
        }
        finally
        {
            foreach (var pipeline in pipelines)
            {
                pipeline.Dispose();
            }
        }
    }

    // 40 × 40 × 24 voxels of 10 mm: soft tissue in a box of air, with a denser core.
    private static Volume<float> SmallVolume()
    {
        var volume = new Volume<float>(40, 40, 24, Affine3D.Axial(new Vec3(0, 0, 0), new Vec3(10, 10, 10)));
        for (var z = 0; z < volume.SizeZ; z++)
        {
            for (var y = 0; y < volume.SizeY; y++)
            {
                for (var x = 0; x < volume.SizeX; x++)
                {
                    var r = Math.Max(Math.Abs(x - 20), Math.Abs(y - 20));
                    volume[x, y, z] = r < 6 ? 300 : r < 15 ? 40 : -1000;
                }
            }
        }

        return volume;
    }
}
