using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Series;
using ContinualSegment.Model.Pipeline;
using ContinualSegment.Model.Runtime;
using TorchSharp;

namespace ContinualSegment.Cli.Bench;

/// <summary>
/// What body-part gating saves on partial fields of view: scans cut from one whole-body phantom study the way the
/// phantom's own protocols frame them (head and neck, chest, abdomen and pelvis), a head and a thorax alone, and the
/// whole study, each segmented by the same model with gating and without (every decoder on every slice) in one
/// process, taking turns: the decoders run and skipped, the time, and the mean Dice against the phantom's truth.
/// </summary>
public sealed class GatingBenchmark
{
    /// <summary>The file the figures are written to, in the work directory (and a Markdown table beside it).</summary>
    public const string ResultFileName = "bench-gating.json";

    // The whole-body study spans these canonical heights (mm; 0 ≈ perineum, 880 ≈ vertex): PhantomFieldOfView.
    private const double StudyLow = -230;
    private const double StudyHigh = 895;

    // Structures with less than this volume (mm³) in a scan's truth are left out of its mean Dice (a sliver cut by the
    // scan's edge, or a structure the study's voxels cannot resolve).
    private const double MinimumTruthVolumeMm3 = 20_000;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly (string Name, double Low, double High)[] Scans =
    [
        ("head and neck (C7 to vertex)", 590, 895),
        ("head", 700, 895),
        ("chest (lower neck to upper abdomen)", 330, 690),
        ("thorax (lung bases to apices)", 430, 610),
        ("abdomen and pelvis", StudyLow, 330),
        ("whole body", StudyLow, StudyHigh),
    ];

    private readonly GatingBenchmarkOptions options;
    private readonly TextWriter output;

    public GatingBenchmark(GatingBenchmarkOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        this.output = output ?? throw new ArgumentNullException(nameof(output));
    }

    /// <summary>Runs the benchmark, prints its table and writes <see cref="ResultFileName"/> and bench-gating.md.</summary>
    public async Task<JsonObject> RunAsync(CancellationToken cancellationToken)
    {
        var work = Path.GetFullPath(options.WorkDirectory);
        Directory.CreateDirectory(work);
        TorchRuntime.Configure(new TorchRuntimeOptions { Threads = options.Threads });
        var catalogue = StructureCatalogue.LoadDefault();
        var seriesDir = Path.Combine(work, "ct");
        var truthPath = Path.Combine(work, "truth.nii.gz");
        var model = Path.GetFullPath(options.Model);
        var planPath = Path.Combine(model, ContinualSegment.Model.Persistence.ModelStore.PlanFileName);
        if (File.Exists(planPath) && ContinualSegment.Model.Plans.ModelPlanSerializer.Load(planPath).BodyPart is null)
        {
            throw new InvalidDataException($"{model} has no body-part regressor: there is nothing to gate with (cseg train bodypart)");
        }

        var study = await InferenceBenchmark.EnsureStudyAsync(seriesDir, truthPath, options.Size, options.Slices, options.Seed, catalogue, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(study).ConfigureAwait(false);
        var ct = InferenceBenchmark.Single(SeriesLoader.LoadDirectory(seriesDir, null, cancellationToken), seriesDir).Volume;
        study = string.Create(CultureInfo.InvariantCulture, $"whole-body phantom study {ct.SizeX}×{ct.SizeY}×{ct.SizeZ}, {ct.Spacing.X:0.###}×{ct.Spacing.Y:0.###}×{ct.Spacing.Z:0.###} mm, seed {options.Seed}");
        var truth = await NiftiReader.ReadLabelsAsync(truthPath, cancellationToken).ConfigureAwait(false);
        if (truth.SizeX != ct.SizeX || truth.SizeY != ct.SizeY || truth.SizeZ != ct.SizeZ)
        {
            throw new InvalidDataException($"the truth ({truth.SizeX}×{truth.SizeY}×{truth.SizeZ}) does not match the study ({ct.SizeX}×{ct.SizeY}×{ct.SizeZ})");
        }

        var mergeCatalogue = SegmentationPipeline.CatalogueFrom(catalogue);
        using var gated = await SegmentationPipeline.LoadAsync(model, mergeCatalogue, new SegmentationPipelineOptions(), cancellationToken).ConfigureAwait(false);
        using var ungated = await SegmentationPipeline.LoadAsync(model, mergeCatalogue, new SegmentationPipelineOptions { BodyPartGating = false }, cancellationToken).ConfigureAwait(false);
        // Both run once untimed first: the runtime compiles its code in tiers.
        var (warmCt, _) = Cut(ct, truth, 0, Math.Min(ct.SizeZ, 24));
        _ = gated.Run(warmCt, cancellationToken);
        _ = ungated.Run(warmCt, cancellationToken);

        var rows = new JsonArray();
        var table = new StringBuilder();
        table.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Model {model}; {study}; {torch.get_num_threads()} thread(s), median of {options.Repeats} run(s) each."));
        table.AppendLine();
        table.AppendLine("| scan | slices | decoders run (gated) | skipped | gated s | all decoders s | time saved | mean Dice gated | mean Dice all |");
        table.AppendLine("| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, low, high) in Scans)
        {
            var z0 = (int)Math.Floor((low - StudyLow) / (StudyHigh - StudyLow) * ct.SizeZ);
            var z1 = (int)Math.Ceiling((high - StudyLow) / (StudyHigh - StudyLow) * ct.SizeZ);
            z0 = Math.Clamp(z0, 0, ct.SizeZ - 1);
            z1 = Math.Clamp(z1, z0 + 1, ct.SizeZ);
            var (scan, scanTruth) = Cut(ct, truth, z0, z1);
            var gatedSeconds = new List<double>();
            var allSeconds = new List<double>();
            SegmentationResult? gatedResult = null, allResult = null;
            for (var r = 0; r < options.Repeats; r++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                gatedResult = gated.Run(scan, cancellationToken);
                gatedSeconds.Add(clock.Elapsed.TotalSeconds);
                clock.Restart();
                allResult = ungated.Run(scan, cancellationToken);
                allSeconds.Add(clock.Elapsed.TotalSeconds);
            }

            var ran = gatedResult!.Decisions.Where(d => d.Ran).Select(d => d.DecoderId).ToArray();
            var skipped = gatedResult.Decisions.Where(d => !d.Ran).Select(d => d.DecoderId).ToArray();
            var g = BenchStatistics.Median(gatedSeconds);
            var a = BenchStatistics.Median(allSeconds);
            var minimumVoxels = (long)Math.Ceiling(MinimumTruthVolumeMm3 / (ct.Spacing.X * ct.Spacing.Y * ct.Spacing.Z));
            var diceGated = MeanDice(gatedResult.Labels.Data, scanTruth, minimumVoxels);
            var diceAll = MeanDice(allResult!.Labels.Data, scanTruth, minimumVoxels);
            var trusted = new JsonObject();
            foreach (var d in gatedResult.Decisions)
            {
                trusted[d.DecoderId] = d.TotalSlices == 0 ? 0 : Math.Round(d.Ran ? d.ValidSlices / (double)d.TotalSlices : 0, 3);
            }

            rows.Add(new JsonObject
            {
                ["scan"] = name,
                ["canonicalMm"] = new JsonArray(low, high),
                ["slices"] = z1 - z0,
                ["decodersRun"] = new JsonArray([.. ran.Select(x => (JsonNode?)x)]),
                ["decodersSkipped"] = new JsonArray([.. skipped.Select(x => (JsonNode?)x)]),
                ["trustedShare"] = trusted,
                ["gatedSeconds"] = Math.Round(g, 3),
                ["allDecodersSeconds"] = Math.Round(a, 3),
                ["timeSaved"] = Math.Round(1 - (g / a), 4),
                ["meanDiceGated"] = double.IsNaN(diceGated) ? null : Math.Round(diceGated, 4),
                ["meanDiceAllDecoders"] = double.IsNaN(diceAll) ? null : Math.Round(diceAll, 4),
            });
            var line = string.Create(CultureInfo.InvariantCulture, $"| {name} | {z1 - z0} | {string.Join(", ", ran)} | {(skipped.Length == 0 ? "none" : string.Join(", ", skipped))} | {g:0.00} | {a:0.00} | {1 - (g / a):P0} | {diceGated:0.000} | {diceAll:0.000} |");
            table.AppendLine(line);
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        var summary = new JsonObject
        {
            ["model"] = model,
            ["study"] = study,
            ["threads"] = torch.get_num_threads(),
            ["repeats"] = options.Repeats,
            ["minimumTruthVolumeMm3"] = MinimumTruthVolumeMm3,
            ["scans"] = rows,
        };
        await File.WriteAllTextAsync(Path.Combine(work, ResultFileName), summary.ToJsonString(Indented), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(work, "bench-gating.md"), table.ToString(), cancellationToken).ConfigureAwait(false);
        return summary;
    }

    /// <summary>Slices [z0, z1) of the CT and its truth as volumes of their own, placed where they were.</summary>
    internal static (Volume<float> Ct, ushort[] Truth) Cut(Volume<float> ct, Volume<ushort> truth, int z0, int z1)
    {
        var plane = ct.SliceLength;
        var geometry = ct.Geometry with { Origin = ct.IndexToWorld(0, 0, z0) };
        var data = new float[(z1 - z0) * plane];
        Array.Copy(ct.Data, z0 * plane, data, 0, data.Length);
        var labels = new ushort[data.Length];
        Array.Copy(truth.Data, z0 * plane, labels, 0, labels.Length);
        return (new Volume<float>(ct.SizeX, ct.SizeY, z1 - z0, geometry, data), labels);
    }

    /// <summary>Mean Dice over the structures with at least <paramref name="minimumVoxels"/> voxels in the truth (NaN: none).</summary>
    internal static double MeanDice(ReadOnlySpan<ushort> predicted, ReadOnlySpan<ushort> truth, long minimumVoxels)
    {
        if (predicted.Length != truth.Length)
        {
            throw new ArgumentException($"{predicted.Length} predicted voxels against {truth.Length}");
        }

        var inTruth = new long[ushort.MaxValue + 1];
        var inPrediction = new long[ushort.MaxValue + 1];
        var both = new long[ushort.MaxValue + 1];
        for (var i = 0; i < truth.Length; i++)
        {
            inTruth[truth[i]]++;
            inPrediction[predicted[i]]++;
            if (truth[i] == predicted[i])
            {
                both[truth[i]]++;
            }
        }

        var dice = new List<double>();
        for (var s = 1; s < inTruth.Length; s++)
        {
            if (inTruth[s] >= minimumVoxels)
            {
                dice.Add(2.0 * both[s] / (inTruth[s] + inPrediction[s]));
            }
        }

        return dice.Count == 0 ? double.NaN : dice.Average();
    }
}
