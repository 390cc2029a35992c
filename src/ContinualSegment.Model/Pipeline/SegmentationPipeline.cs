using System.Diagnostics;
using System.Globalization;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Resampling;
using ContinualSegment.Model.BodyPart;
using ContinualSegment.Model.Inference;
using ContinualSegment.Model.Merging;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Packages;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Plans;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Pipeline;

/// <summary>
/// The whole inference path of one model directory: a CT volume (HU) is resampled to the plan's target
/// spacing and normalised; the body-part model scores every slice; decoders whose body-part range the scan
/// does not reach are skipped and the others are trusted only inside their range (plus a margin); the shared
/// encoder and the remaining decoders run as a sliding window, chunk by chunk along z; the decoders' outputs
/// are merged with their calibration temperatures into catalogue structures on the model grid; and the merged
/// label map (never the class probabilities) is resampled label-aware back to the input's grid, with the voxels
/// where a structure lies beneath the map's structure (its overlaps) carried along.
/// </summary>
public sealed class SegmentationPipeline : IDisposable
{
    private readonly LoadedModel model;
    private readonly BodyPartRegressor? bodyPart;
    private readonly SlidingWindowPredictor predictor;
    private readonly PredictionMerger merger;
    private readonly SegmentationPipelineOptions options;
    private readonly IReadOnlyList<DecoderPlan> runnable;

    private SegmentationPipeline(string directory, LoadedModel model, BodyPartRegressor? bodyPart, IReadOnlyList<DecoderPlan> runnable, IReadOnlyList<LoadedDecoder> decoders, MergeCatalogue catalogue, SegmentationPipelineOptions options)
    {
        Directory = directory;
        this.model = model;
        this.bodyPart = bodyPart;
        this.runnable = runnable;
        this.options = options;
        Decoders = decoders;
        merger = new PredictionMerger(catalogue, options.MergeSlabDepth);
        predictor = new SlidingWindowPredictor(model.Bank, model.Plan.PatchSize, options.SlidingWindow);
    }

    /// <summary>The model directory (full path).</summary>
    public string Directory { get; }

    /// <summary>Seconds <see cref="LoadAsync"/> took to load the model.</summary>
    public double LoadSeconds { get; private set; }

    /// <summary>The plan as read (with the enabled decoders trained into the model only).</summary>
    public ModelPlan Plan => model.Plan;

    /// <summary>Whether a body-part model gates the decoders.</summary>
    public bool HasBodyPartModel => bodyPart is not null;

    /// <summary>Every decoder found, with whether it was loaded and why not.</summary>
    public IReadOnlyList<LoadedDecoder> Decoders { get; }

    /// <summary>The decoders that take part in every run (loaded and enabled), in bank order.</summary>
    public IReadOnlyList<DecoderPlan> RunnableDecoders => runnable;

    /// <summary>
    /// Loads the model in <paramref name="modelDirectory"/>: plan, encoder, exactly the enabled decoders (trained into the
    /// model or installed from packages, see <see cref="ModelDirectory"/>) that fit the encoder, and the body-part model
    /// when the plan has one.
    /// </summary>
    /// <exception cref="ModelPlanException">The directory has no valid model.</exception>
    public static async Task<SegmentationPipeline> LoadAsync(string modelDirectory, MergeCatalogue catalogue, SegmentationPipelineOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        ArgumentNullException.ThrowIfNull(catalogue);
        options ??= new SegmentationPipelineOptions();
        options.Validate();
        var clock = Stopwatch.StartNew();
        var directory = Path.GetFullPath(modelDirectory);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ModelPlanException($"model directory not found: {directory}");
        }

        if (!File.Exists(Path.Combine(directory, ModelStore.PlanFileName)))
        {
            throw new ModelPlanException($"{directory} is not a model directory: it has no {ModelStore.PlanFileName}");
        }

        IReadOnlyList<InstalledDecoder> installed;
        try
        {
            installed = await new ModelDirectory(directory).ListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidDataException or DecoderPackageException)
        {
            throw new ModelPlanException($"the decoders of {directory} cannot be read: {ex.Message}", ex);
        }

        var enabledInPlan = installed.Where(d => d.Origin == DecoderOrigin.Model && d.Enabled).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var model = ModelStore.Load(directory, enabledInPlan.Contains);
        BodyPartRegressor? regressor = null;
        try
        {
            regressor = ModelStore.TryLoadBodyPart(directory, model.Plan);
            var decoders = new List<LoadedDecoder>();
            var runnable = new List<DecoderPlan>();
            AddDecoders(installed, model, decoders, runnable);
            foreach (var d in runnable)
            {
                foreach (var c in d.Classes)
                {
                    if (catalogue.Find(c) is null)
                    {
                        throw new ModelPlanException($"decoder '{d.Id}' has class '{c}', which is not in the structure catalogue");
                    }
                }
            }

            var pipeline = new SegmentationPipeline(directory, model, regressor, runnable, decoders, catalogue, options) { LoadSeconds = clock.Elapsed.TotalSeconds };
            var logger = options.LoggerFactory.CreateLogger<SegmentationPipeline>();
            foreach (var d in decoders.Where(d => !d.Loaded))
            {
                Log.DecoderNotLoaded(logger, d.DecoderId, d.Source, d.Reason);
            }

            Log.ModelLoaded(logger, directory, pipeline.LoadSeconds, runnable.Count, regressor is not null);
            return pipeline;
        }
        catch
        {
            regressor?.Dispose();
            model.Dispose();
            throw;
        }
    }

    /// <summary>The merge catalogue of a structure catalogue (global index, name, task, task label, host organs).</summary>
    public static MergeCatalogue CatalogueFrom(StructureCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        return new MergeCatalogue(catalogue.Structures.Select(s => new CatalogueStructure(s.GlobalIndex, s.Name, s.Task, s.TaskLabel, s.Hosts)));
    }

    /// <summary>
    /// The model grid of an input grid: same orientation and physical extent, about the plan's target spacing
    /// (<paramref name="targetSpacingZyx"/>, z/y/x) with a whole number of voxels per axis.
    /// </summary>
    public static (Affine3D Geometry, GridSize Size) ModelGridFor(Affine3D input, GridSize inputSize, IReadOnlyList<double> targetSpacingZyx)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(targetSpacingZyx);
        inputSize.Validate(nameof(inputSize));
        static int Count(int n, double spacing, double target) => Math.Max(1, (int)Math.Round(n * spacing / target));
        var nx = Count(inputSize.X, input.Spacing.X, targetSpacingZyx[2]);
        var ny = Count(inputSize.Y, input.Spacing.Y, targetSpacingZyx[1]);
        var nz = Count(inputSize.Z, input.Spacing.Z, targetSpacingZyx[0]);
        var fx = (double)inputSize.X / nx;
        var fy = (double)inputSize.Y / ny;
        var fz = (double)inputSize.Z / nz;

        // Voxel i of the model grid covers input voxels [i·f − 0.5, (i + 1)·f − 0.5]: its centre is (i + 0.5)·f − 0.5.
        var origin = input.IndexToWorld((0.5 * fx) - 0.5, (0.5 * fy) - 0.5, (0.5 * fz) - 0.5);
        var spacing = new Vec3(input.Spacing.X * fx, input.Spacing.Y * fy, input.Spacing.Z * fz);
        return (new Affine3D(origin, input.AxisI, input.AxisJ, input.AxisK, spacing), new GridSize(nx, ny, nz));
    }

    /// <summary>Segments a CT volume (HU); the label map comes back on the volume's grid.</summary>
    public SegmentationResult Run(Volume<float> hu, CancellationToken cancellationToken = default) => Run(hu, [], cancellationToken);

    /// <summary>
    /// As <see cref="Run(Volume{float}, CancellationToken)"/> with only the decoders <paramref name="selected"/> names (a
    /// node route's choice); empty: every loaded, enabled decoder. The others are reported as not selected.
    /// </summary>
    /// <exception cref="SegmentationInputException">A selected decoder is not among the loaded, enabled ones.</exception>
    public SegmentationResult Run(Volume<float> hu, IReadOnlyCollection<string> selected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hu);
        ArgumentNullException.ThrowIfNull(selected);
        var chosen = runnable;
        if (selected.Count > 0)
        {
            var missing = selected.Where(id => !runnable.Any(d => d.Id == id)).ToList();
            if (missing.Count > 0)
            {
                throw new SegmentationInputException($"decoder(s) {string.Join(", ", missing.Select(static m => $"'{m}'"))} asked for are not enabled in the model (enabled: {string.Join(", ", runnable.Select(static d => d.Id))})");
            }

            chosen = runnable.Where(d => selected.Contains(d.Id)).ToList();
        }

        var timings = new List<PhaseTiming>();
        var clock = Stopwatch.StartNew();
        void Lap(string phase)
        {
            timings.Add(new PhaseTiming(phase, clock.Elapsed.TotalSeconds));
            clock.Restart();
        }

        // 1. Model grid.
        var inputSize = new GridSize(hu.SizeX, hu.SizeY, hu.SizeZ);
        var (gridGeometry, grid) = ModelGridFor(hu.Geometry, inputSize, Plan.TargetSpacing);
        var toInput = IndexMapping.Between(gridGeometry.ToMatrix4x4(), hu.Geometry.ToMatrix4x4());
        var onGrid = Resampler.Linear(hu.Data, inputSize, grid, toInput, -1024f);
        Lap("resample");

        // 2. Body-part scores per model-grid slice (on HU), then normalisation.
        var scores = ScoreSlices(onGrid, grid, gridGeometry.Spacing);
        Lap("bodypart");
        Plan.Normalization.Apply(onGrid);
        Lap("normalise");

        // 3. Gate.
        // Without gating every slice counts as unscored, which the gate trusts for every decoder.
        var gateScores = options.BodyPartGating && scores is not null ? scores : Enumerable.Repeat(double.NaN, grid.Z).ToArray();
        var decisions = BodyPartGate.Evaluate(chosen, gateScores, options.BodyPartMargin);
        var run = chosen.Where(d => !decisions.First(x => x.DecoderId == d.Id).Skip).ToArray();

        // 4. Sliding window and merge, chunk by chunk.
        var plane = grid.X * grid.Y;
        var labels = new ushort[checked((int)grid.Count)];
        double inferenceSeconds = 0, mergeSeconds = 0;
        var ranIn = new HashSet<string>(StringComparer.Ordinal);
        var hidden = new Dictionary<ushort, List<int>>();
        if (run.Length > 0)
        {
            // Whatever loading the input left behind (decoded frames, file buffers) goes before the first chunk.
            ReleaseMemory();
            using var image = tensor(onGrid, new long[] { 1, grid.Z, grid.Y, grid.X });
            var halo = (Plan.PatchSize[0] + 1) / 2;
            for (var c0 = 0; c0 < grid.Z; c0 += options.ChunkDepth)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var c1 = Math.Min(grid.Z, c0 + options.ChunkDepth);
                var a0 = Math.Max(0, c0 - halo);
                var a1 = Math.Min(grid.Z, c1 + halo);
                var ids = run
                    .Where(d => decisions.First(x => x.DecoderId == d.Id).ValidSlices.Skip(c0).Take(c1 - c0).Contains(true))
                    .Select(d => d.Id)
                    .ToArray();
                if (ids.Length == 0)
                {
                    continue;
                }

                var watch = Stopwatch.StartNew();
                var merged = PredictChunk(image, run, decisions, ids, (a0, a1), (c0, c1), watch, ref inferenceSeconds, cancellationToken);
                var chunkLabels = merged.LabelMapSpan;
                var offset = c0 * plane;
                for (var i = 0; i < chunkLabels.Length; i++)
                {
                    labels[offset + i] = chunkLabels[i];
                }

                foreach (var (structure, voxels) in merged.HiddenVoxels)
                {
                    if (!hidden.TryGetValue((ushort)structure, out var list))
                    {
                        hidden[(ushort)structure] = list = [];
                    }

                    list.AddRange(voxels.Select(v => offset + v));
                }

                ranIn.UnionWith(ids);

                // The chunk's tensors are disposed by now: libtorch freed them into the C heap and the merge left its
                // slabs to the collector. Hand both back so that the process holds one chunk's worth at a time.
                ReleaseMemory();
                mergeSeconds += watch.Elapsed.TotalSeconds;
            }
        }

        clock.Restart();
        timings.Add(new PhaseTiming("inference", inferenceSeconds));
        timings.Add(new PhaseTiming("merge", mergeSeconds));

        // 5. Labels back to the input grid.
        var back = IndexMapping.Between(hu.Geometry.ToMatrix4x4(), gridGeometry.ToMatrix4x4());
        var result = Resampler.LabelAware(labels, grid, inputSize, back);
        Lap("labels");

        // 6. What the label map hides (organs under their lesions, structures under the ones nested in them), on the input grid.
        var overlaps = new StructureOverlaps(grid, hidden.ToDictionary(static h => h.Key, static h => h.Value.ToArray()))
            .Resample(labels, result, inputSize, back);
        Lap("overlaps");

        return new SegmentationResult(
            new Volume<ushort>(hu.SizeX, hu.SizeY, hu.SizeZ, hu.Geometry, result),
            (grid.X, grid.Y, grid.Z),
            (gridGeometry.Spacing.X, gridGeometry.Spacing.Y, gridGeometry.Spacing.Z),
            scores ?? [],
            Decide(decisions, ranIn, scores, grid.Z, selected),
            timings)
        {
            Overlaps = overlaps,
        };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        predictor.Dispose();
        bodyPart?.Dispose();
        model.Dispose();
    }

    private static void AddDecoders(IReadOnlyList<InstalledDecoder> installed, LoadedModel model, List<LoadedDecoder> decoders, List<DecoderPlan> runnable)
    {
        foreach (var package in installed)
        {
            if (package.Origin == DecoderOrigin.Model)
            {
                if (model.Plan.FindDecoder(package.Id) is { } trained)
                {
                    runnable.Add(trained);
                    decoders.Add(new LoadedDecoder(package.Id, package.Task, "plan", true, string.Empty));
                }
                else
                {
                    decoders.Add(new LoadedDecoder(package.Id, package.Task, "plan", false, package.Enabled ? "not in the plan when the model was loaded" : "disabled"));
                }

                continue;
            }

            if (!package.Enabled)
            {
                decoders.Add(new LoadedDecoder(package.Id, package.Task, "package", false, "disabled"));
                continue;
            }

            if (package.Manifest is not { } manifest)
            {
                decoders.Add(new LoadedDecoder(package.Id, package.Task, "package", false, package.Problem ?? "its manifest cannot be read"));
                continue;
            }

            var weights = manifest.Files.Select(f => f.Path).Where(p => p.EndsWith(".bin", StringComparison.Ordinal)).ToArray();
            if (weights.Length != 1)
            {
                decoders.Add(new LoadedDecoder(package.Id, package.Task, "package", false, $"its payload holds {weights.Length} weights files (*.bin); exactly one is needed"));
                continue;
            }

            try
            {
                var plan = package.ToDecoderPlan(model.Plan.Encoder.Stages.Count);
                var path = Path.Combine(package.Directory, weights[0].Replace('/', Path.DirectorySeparatorChar));
                ModelStore.InstallDecoder(model.Bank, plan, path);
                runnable.Add(plan);
                decoders.Add(new LoadedDecoder(package.Id, plan.Task, "package", true, string.Empty));
            }
            catch (ModelPlanException ex)
            {
                decoders.Add(new LoadedDecoder(package.Id, package.Task, "package", false, ex.Message));
            }
        }
    }

    // Sliding window over one chunk (slices a0..a1, halo included) and the merge of its own slices c0..c1.
    private MergedSegmentation PredictChunk(
        Tensor image,
        DecoderPlan[] run,
        IReadOnlyList<BodyPartGateDecision> decisions,
        string[] ids,
        (int A0, int A1) window,
        (int C0, int C1) own,
        Stopwatch watch,
        ref double inferenceSeconds,
        CancellationToken cancellationToken)
    {
        var (a0, a1) = window;
        var (c0, c1) = own;
        using var scope = NewDisposeScope();
        var chunk = image.narrow(1, a0, a1 - a0);

        // Each decoder runs on the windows that hold a slice it is trusted on (context slices included).
        var wanted = ids.ToDictionary(
            id => id,
            id => (IReadOnlyList<bool>)decisions.First(x => x.DecoderId == id).ValidSlices.Skip(a0).Take(a1 - a0).ToArray(),
            StringComparer.Ordinal);
        using var prediction = predictor.Predict(chunk, ids, wanted, cancellationToken);
        inferenceSeconds += watch.Elapsed.TotalSeconds;
        watch.Restart();
        var inputs = run.Where(d => ids.Contains(d.Id)).Select(d => new DecoderProbabilities(
            d.Id,
            d.Classes,
            prediction.Probabilities[d.Id].narrow(1, c0 - a0, c1 - c0),
            d.Temperature,
            TemperatureApplied: false,
            ValidSlices: decisions.First(x => x.DecoderId == d.Id).ValidSlices.Skip(c0).Take(c1 - c0).ToArray())).ToArray();
        return merger.Merge(inputs);
    }

    private static void ReleaseMemory()
    {
        // Aggressive: the collector also decommits the memory it frees instead of keeping it for later allocations.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
    }

    private double[]? ScoreSlices(float[] hu, GridSize grid, Vec3 spacing)
    {
        if (bodyPart is null || Plan.BodyPart is not { } section)
        {
            return null;
        }

        using var slices = BodyPartSliceFormat.Of(section).Prepare(hu, grid.Z, grid.Y, grid.X, spacing.Y, spacing.X);
        return BodyPartScorer.ScoreMonotonic(bodyPart, slices);
    }

    private List<DecoderDecision> Decide(IReadOnlyList<BodyPartGateDecision> gate, HashSet<string> ranIn, double[]? scores, int depth, IReadOnlyCollection<string> selected)
    {
        var result = new List<DecoderDecision>();
        var span = scores is { Length: > 0 }
            ? string.Create(CultureInfo.InvariantCulture, $"{scores.Min():0.##}..{scores.Max():0.##}")
            : string.Empty;
        foreach (var d in Decoders)
        {
            var plan = runnable.FirstOrDefault(r => r.Id == d.DecoderId);
            if (!d.Loaded || plan is null)
            {
                result.Add(new DecoderDecision(d.DecoderId, d.Task, d.Source, false, d.Reason, 0, depth, null));
                continue;
            }

            if (selected.Count > 0 && !selected.Contains(d.DecoderId))
            {
                result.Add(new DecoderDecision(d.DecoderId, plan.Task, d.Source, false, $"not selected (asked for: {string.Join(", ", selected)})", 0, depth, plan.BodyPartRange));
                continue;
            }

            var g = gate.First(x => x.DecoderId == d.DecoderId);
            var valid = g.ValidSlices.Count(v => v);
            var range = string.Create(CultureInfo.InvariantCulture, $"{plan.BodyPartRange.Min:0.##}..{plan.BodyPartRange.Max:0.##} (margin {options.BodyPartMargin:0.##})");
            string reason;
            bool ran;
            if (g.Skip)
            {
                (ran, reason) = (false, $"outside its body-part range: the scan scores {span}, the decoder covers {range}");
            }
            else if (!ranIn.Contains(d.DecoderId))
            {
                (ran, reason) = (false, "no chunk of the scan lies in its body-part range");
            }
            else if (scores is null)
            {
                (ran, reason) = (true, "ran on every slice (no body-part model)");
            }
            else if (!options.BodyPartGating)
            {
                (ran, reason) = (true, "ran on every slice (body-part gating off)");
            }
            else
            {
                (ran, reason) = (true, string.Create(CultureInfo.InvariantCulture, $"ran; trusted on {valid} of {depth} slices (range {range})"));
            }

            result.Add(new DecoderDecision(d.DecoderId, plan.Task, d.Source, ran, reason, valid, depth, plan.BodyPartRange));
        }

        return result;
    }
}
