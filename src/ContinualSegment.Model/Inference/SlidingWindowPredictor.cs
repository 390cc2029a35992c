using ContinualSegment.Model.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Inference;

/// <summary>
/// Sliding-window inference (nnU-Net style): overlapping patches, each decoder's softmax weighted by
/// a Gaussian importance map and accumulated on the CPU, then divided by the accumulated weights.
/// The encoder runs once per batch of patches; every requested decoder shares its features.
/// </summary>
public sealed class SlidingWindowPredictor : IDisposable
{
    // Slices normalised per step at the end of a prediction (bounds that step's temporaries).
    private const int NormaliseSlabDepth = 4;

    private readonly int inputChannels;
    private readonly Func<IReadOnlyList<string>> defaultIds;
    private readonly Func<string, long> outputChannels;
    private readonly Func<Tensor, IReadOnlyList<string>, IReadOnlyDictionary<string, Tensor>> run;
    private readonly nn.Module[] modules;
    private readonly int[] patch;
    private readonly SlidingWindowOptions options;
    private readonly Device device;
    private readonly Tensor importance;

    /// <summary>Creates a predictor for <paramref name="bank"/> with the plan's patch size.</summary>
    public SlidingWindowPredictor(DecoderBank bank, IReadOnlyList<int> patchSize, SlidingWindowOptions? options = null, Device? device = null)
        : this(
            bank?.InputChannels ?? throw new ArgumentNullException(nameof(bank)),
            () => bank.EnabledDecoderIds,
            id => bank.GetDecoder(id).Plan.OutputChannels,
            bank.RunDecoders,
            [bank],
            patchSize,
            options,
            device)
    {
    }

    /// <summary>
    /// Creates a predictor for one decoder that belongs to no bank (a trimming candidate) on <paramref name="encoder"/>'s
    /// features; predictions are keyed by the decoder's id.
    /// </summary>
    public SlidingWindowPredictor(GeneralEncoder encoder, Decoder decoder, IReadOnlyList<int> patchSize, SlidingWindowOptions? options = null, Device? device = null)
        : this(
            encoder?.InputChannels ?? throw new ArgumentNullException(nameof(encoder)),
            () => [decoder.Plan.Id],
            id => decoder.Plan.Id == id ? decoder.Plan.OutputChannels : throw new KeyNotFoundException($"this predictor has no decoder '{id}'"),
            (x, ids) => RunOne(encoder, decoder, x, ids),
            [encoder, decoder ?? throw new ArgumentNullException(nameof(decoder))],
            patchSize,
            options,
            device)
    {
    }

    private SlidingWindowPredictor(
        int inputChannels,
        Func<IReadOnlyList<string>> defaultIds,
        Func<string, long> outputChannels,
        Func<Tensor, IReadOnlyList<string>, IReadOnlyDictionary<string, Tensor>> run,
        nn.Module[] modules,
        IReadOnlyList<int> patchSize,
        SlidingWindowOptions? options,
        Device? device)
    {
        ArgumentNullException.ThrowIfNull(patchSize);
        if (patchSize.Count != 3 || patchSize.Any(p => p < 1))
        {
            throw new ArgumentException("patch size must hold 3 positive values", nameof(patchSize));
        }

        this.options = options ?? new SlidingWindowOptions();
        this.options.Validate();
        this.inputChannels = inputChannels;
        this.defaultIds = defaultIds;
        this.outputChannels = outputChannels;
        this.run = run;
        this.modules = modules;
        patch = patchSize.ToArray();
        this.device = device ?? CPU;
        var floor = this.options.AccumulateInHalf ? Math.Max(this.options.ImportanceFloor, SlidingWindowOptions.HalfImportanceFloor) : this.options.ImportanceFloor;
        var weights = this.options.UseGaussian
            ? GaussianImportanceMap.CreateArray(patch, this.options.SigmaScale).Select(w => (float)Math.Max(w, floor)).ToArray()
            : Enumerable.Repeat(1f, patch[0] * patch[1] * patch[2]).ToArray();
        var map = tensor(weights, new long[] { patch[0], patch[1], patch[2] });
        importance = map.to(this.device);
        if (!ReferenceEquals(importance, map))
        {
            map.Dispose();
        }

        importance.DetachFromDisposeScope();
    }

    /// <summary>The window start positions along one axis: evenly spaced, first at 0, last at <c>size − patch</c>.</summary>
    public static IReadOnlyList<long> WindowStarts(long size, long patch, double stepFraction)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patch, 1);
        if (size <= patch)
        {
            return [0];
        }

        var target = patch * stepFraction;
        var steps = (int)Math.Ceiling((size - patch) / target) + 1;
        var actual = (double)(size - patch) / (steps - 1);
        return Enumerable.Range(0, steps).Select(i => (long)Math.Round(i * actual)).ToArray();
    }

    /// <summary>Predicts a single-channel volume given as a flat z, y, x array (already normalised).</summary>
    public SlidingWindowPrediction Predict(float[] voxels, int depth, int height, int width, IReadOnlyCollection<string>? decoderIds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(voxels);
        if (depth < 1 || height < 1 || width < 1 || (long)depth * height * width != voxels.Length)
        {
            throw new ArgumentException($"{voxels.Length} voxels do not fill {depth}×{height}×{width}", nameof(voxels));
        }

        using var image = tensor(voxels, new long[] { 1, depth, height, width });
        return Predict(image, decoderIds, cancellationToken);
    }

    /// <summary>
    /// Predicts an image [C, D, H, W] (already normalised) with the decoders <paramref name="decoderIds"/>
    /// (default: the bank's enabled ones). Decoders not named are not run at all.
    /// </summary>
    public SlidingWindowPrediction Predict(Tensor image, IReadOnlyCollection<string>? decoderIds = null, CancellationToken cancellationToken = default)
        => Predict(image, decoderIds, null, cancellationToken);

    /// <summary>
    /// As <see cref="Predict(Tensor, IReadOnlyCollection{string}?, CancellationToken)"/>, but a decoder given in
    /// <paramref name="wantedSlices"/> (one flag per slice of the image) runs only on the windows that hold at least one
    /// wanted slice, and a window no decoder wants does not run the encoder either. Every window that holds a wanted
    /// slice still runs, so the probabilities there are exactly those of a full prediction; elsewhere they are partial
    /// sums (or 0) and meant to be ignored, as the body-part gate ignores a decoder outside its range.
    /// </summary>
    public SlidingWindowPrediction Predict(Tensor image, IReadOnlyCollection<string>? decoderIds, IReadOnlyDictionary<string, IReadOnlyList<bool>>? wantedSlices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.dim() != 4 || image.shape[0] != inputChannels)
        {
            throw new ArgumentException($"expected an image [{inputChannels}, D, H, W], got [{string.Join(',', image.shape)}]", nameof(image));
        }

        var ids = (decoderIds ?? defaultIds()).ToArray();
        var channels = ids.ToDictionary(id => id, outputChannels, StringComparer.Ordinal);
        long[] size = [image.shape[1], image.shape[2], image.shape[3]];
        if (wantedSlices is not null)
        {
            foreach (var (id, flags) in wantedSlices)
            {
                if (flags.Count != size[0])
                {
                    throw new ArgumentException($"decoder '{id}': {flags.Count} slice flags for {size[0]} slices", nameof(wantedSlices));
                }
            }
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (ids.Length == 0)
        {
            return new SlidingWindowPrediction(result, size[0], size[1], size[2]);
        }

        var wasTraining = modules.Select(static m => m.training).ToArray();
        foreach (var m in modules)
        {
            m.eval();
        }

        try
        {
            using var noGrad = no_grad();
            using var outer = NewDisposeScope();

            // Explicit scalars held for the whole loop: a scalar converted implicitly for one call (a + b, t * 0.5) can be
            // finalized by the garbage collector while libtorch still reads it (TorchSharp 0.107), which failed
            // inferences at random under load.
            using var one = 1.ToScalar();

            // Pad (centred, with zeros) where the volume is smaller than a patch.
            var padded = Enumerable.Range(0, 3).Select(a => Math.Max(size[a], patch[a])).ToArray();
            var before = Enumerable.Range(0, 3).Select(a => (padded[a] - size[a]) / 2).ToArray();
            var input = image.to(ScalarType.Float32);
            if (before.Any(b => b > 0) || !padded.SequenceEqual(size))
            {
                input = nn.functional.pad(input, [before[2], padded[2] - size[2] - before[2], before[1], padded[1] - size[1] - before[1], before[0], padded[0] - size[0] - before[0]]);
            }

            var accumulatorType = options.AccumulateInHalf ? ScalarType.Float16 : ScalarType.Float32;
            var accumulators = ids.ToDictionary(id => id, id => zeros(new long[] { channels[id], padded[0], padded[1], padded[2] }, accumulatorType), StringComparer.Ordinal);
            var weights = zeros(padded[0], padded[1], padded[2]);
            var importanceCpu = importance.cpu();
            using var flipCount = FlipSets().Count.ToScalar();
            var importanceShare = importance.div(flipCount);
            var windows = (from z in WindowStarts(padded[0], patch[0], options.StepFraction)
                           from y in WindowStarts(padded[1], patch[1], options.StepFraction)
                           from x in WindowStarts(padded[2], patch[2], options.StepFraction)
                           select (Z: z, Y: y, X: x)).ToArray();
            var flips = FlipSets();
            for (var start = 0; start < windows.Length; start += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var batch = windows.Skip(start).Take(options.BatchSize).ToArray();
                foreach (var w in batch)
                {
                    Window(weights, w).add_(importanceCpu, one);
                }

                var active = wantedSlices is null
                    ? ids
                    : ids.Where(id => !wantedSlices.TryGetValue(id, out var flags) || batch.Any(w => Holds(flags, w.Z - before[0], patch[0]))).ToArray();
                if (active.Length == 0)
                {
                    continue;
                }

                var patches = stack(batch.Select(w => Window(input, w)).ToArray()).to(device);
                var sums = new Dictionary<string, Tensor>(StringComparer.Ordinal);
                foreach (var flip in flips)
                {
                    var x = flip.Length == 0 ? patches : patches.flip(flip);
                    var logits = run(x, active);
                    foreach (var id in active)
                    {
                        var p = nn.functional.softmax(logits[id], 1);
                        if (flip.Length > 0)
                        {
                            p = p.flip(flip);
                        }

                        sums[id] = sums.TryGetValue(id, out var s) ? s.add(p, one) : p;
                    }
                }

                foreach (var id in active)
                {
                    var weighted = sums[id].mul(importanceShare).cpu();
                    for (var b = 0; b < batch.Length; b++)
                    {
                        Window(accumulators[id], batch[b]).add_(weighted[b], one);
                    }
                }
            }

            foreach (var id in ids)
            {
                // Normalised a few slices at a time: dividing a half-precision accumulator by the float32 weights
                // in one call makes a float32 temporary as large as the whole accumulator.
                var accumulator = accumulators[id];
                for (long z = 0; z < padded[0]; z += NormaliseSlabDepth)
                {
                    using var slab = NewDisposeScope();
                    var n = Math.Min(NormaliseSlabDepth, padded[0] - z);
                    accumulator.narrow(1, z, n).div_(weights.narrow(0, z, n));
                }

                var probs = accumulator
                    .narrow(1, before[0], size[0]).narrow(2, before[1], size[1]).narrow(3, before[2], size[2])
                    .contiguous();
                result[id] = probs.MoveToOuterDisposeScope();
            }
        }
        catch
        {
            foreach (var t in result.Values)
            {
                t.Dispose();
            }

            throw;
        }
        finally
        {
            for (var i = 0; i < modules.Length; i++)
            {
                modules[i].train(wasTraining[i]);
            }
        }

        return new SlidingWindowPrediction(result, size[0], size[1], size[2]);
    }

    /// <inheritdoc/>
    public void Dispose() => importance.Dispose();

    // The encoder, then the one decoder on its features.
    private static Dictionary<string, Tensor> RunOne(GeneralEncoder encoder, Decoder decoder, Tensor input, IReadOnlyList<string> ids)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            return result;
        }

        var skips = encoder.call(input);
        try
        {
            result[decoder.Plan.Id] = decoder.call(skips);
        }
        finally
        {
            foreach (var s in skips)
            {
                s.Dispose();
            }
        }

        return result;
    }

    // Whether slices [first, first + depth) of the image (clipped to it) hold a wanted one.
    private static bool Holds(IReadOnlyList<bool> flags, long first, long depth)
    {
        var end = Math.Min(flags.Count, first + depth);
        for (var z = Math.Max(0, first); z < end; z++)
        {
            if (flags[(int)z])
            {
                return true;
            }
        }

        return false;
    }

    private Tensor Window(Tensor volume, (long Z, long Y, long X) w)
    {
        // The last three dimensions of volume are z, y, x.
        var dims = volume.dim();
        return volume.narrow(dims - 3, w.Z, patch[0]).narrow(dims - 2, w.Y, patch[1]).narrow(dims - 1, w.X, patch[2]);
    }

    private List<long[]> FlipSets()
    {
        var sets = new List<long[]> { Array.Empty<long>() };
        if (!options.Mirroring)
        {
            return sets;
        }

        var axes = options.MirrorAxes.Select(a => (long)a + 2).ToArray();
        for (var mask = 1; mask < (1 << axes.Length); mask++)
        {
            sets.Add(axes.Where((_, i) => (mask & (1 << i)) != 0).ToArray());
        }

        return sets;
    }
}
