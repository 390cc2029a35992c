using System.Diagnostics;
using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Plans;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Trimming;

/// <summary>
/// Parameter, FLOP and latency accounting for decoders. FLOPs are analytic and cover every
/// convolution on the inference path: the transposed-convolution upsampling, the stage blocks and the
/// 1×1×1 head (normalisation, activation, bias and concatenation are not counted). A convolution
/// costs 2·Cin·Cout·kz·ky·kx·outputVoxels / groups; the upsampling (kernel = stride) costs
/// 2·Cin·Cout·kz·ky·kx·inputVoxels, i.e. 2·Cin·Cout·outputVoxels.
/// </summary>
public static class DecoderCostMeter
{
    /// <summary>FLOPs of one convolution (multiply and add counted separately).</summary>
    public static long ConvolutionFlops(long inChannels, long outChannels, (long Z, long Y, long X) kernel, long outputVoxels, long groups = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(outputVoxels);
        if (kernel.Z < 1 || kernel.Y < 1 || kernel.X < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "kernel sizes must be ≥ 1");
        }

        if (inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"groups {groups} must divide both {inChannels} and {outChannels} channels", nameof(groups));
        }

        return checked(2 * inChannels * outChannels * kernel.Z * kernel.Y * kernel.X * outputVoxels / groups);
    }

    /// <summary>FLOPs of one transposed convolution over <paramref name="inputVoxels"/> input voxels.</summary>
    public static long TransposedConvolutionFlops(long inChannels, long outChannels, (long Z, long Y, long X) kernel, long inputVoxels)
        => ConvolutionFlops(inChannels, outChannels, kernel, inputVoxels);

    /// <summary>The spatial size (z, y, x) of every encoder stage's output for a patch of <paramref name="patchSize"/>, finest first.</summary>
    public static IReadOnlyList<(long Z, long Y, long X)> LevelSizes(EncoderPlan encoder, IReadOnlyList<int> patchSize)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(patchSize);
        if (patchSize.Count != 3 || patchSize.Any(p => p < 1))
        {
            throw new ArgumentException("the patch size needs three positive entries (z, y, x)", nameof(patchSize));
        }

        var sizes = new List<(long, long, long)>(encoder.Stages.Count);
        long[] current = [patchSize[0], patchSize[1], patchSize[2]];
        foreach (var stage in encoder.Stages)
        {
            for (var a = 0; a < 3; a++)
            {
                var k = stage.KernelSize[a];
                var s = stage.Stride[a];
                current[a] = ((current[a] + (2 * (k / 2)) - k) / s) + 1;
            }

            sizes.Add((current[0], current[1], current[2]));
        }

        return sizes;
    }

    /// <summary>Analytic inference FLOPs of the decoder <paramref name="decoder"/> for one patch of <paramref name="patchSize"/>.</summary>
    public static long CountFlops(EncoderPlan encoder, DecoderPlan decoder, IReadOnlyList<int> patchSize)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(decoder);
        ModelPlanSerializer.ValidateDecoder(decoder, encoder.Stages.Count);
        var sizes = LevelSizes(encoder, patchSize);
        var levels = encoder.Stages.Count - 1;
        var widths = StageWidths(encoder, decoder.Genotype);
        long total = 0;
        for (var i = 0; i < levels; i++)
        {
            var gene = decoder.Genotype.Stages[i];
            var voxels = Voxels(sizes[i]);
            long below = i == levels - 1 ? encoder.Stages[levels].Width : widths[i + 1];
            var stride = encoder.Stages[i + 1].Stride;
            total = checked(total + TransposedConvolutionFlops(below, widths[i], (stride[0], stride[1], stride[2]), Voxels(sizes[i + 1])));
            var w = widths[i];
            var inChannels = w + (gene.Skip ? encoder.Stages[i].Width : 0);
            var k = encoder.Stages[i].KernelSize;
            (long Z, long Y, long X) kernel = (k[0], k[1], k[2]);
            total = checked(total + gene.Block switch
            {
                BlockType.ConvPair => ConvolutionFlops(inChannels, w, kernel, voxels) + ConvolutionFlops(w, w, kernel, voxels),
                BlockType.SingleConv => ConvolutionFlops(inChannels, w, kernel, voxels),
                BlockType.Pseudo3D => ConvolutionFlops(inChannels, w, (1, kernel.Y, kernel.X), voxels) + ConvolutionFlops(w, w, (kernel.Z, 1, 1), voxels),
                BlockType.DepthwiseSeparable => ConvolutionFlops(inChannels, inChannels, kernel, voxels, inChannels) + ConvolutionFlops(inChannels, w, (1, 1, 1), voxels),
                _ => throw new ArgumentOutOfRangeException(nameof(decoder), gene.Block, "unknown block type"),
            });
        }

        return checked(total + ConvolutionFlops(widths[0], decoder.OutputChannels, (1, 1, 1), Voxels(sizes[0])));
    }

    /// <summary>Parameters on the decoder's inference path (the auxiliary deep-supervision heads are not counted).</summary>
    public static long CountParameters(Decoder decoder)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        return decoder.named_parameters()
            .Where(p => !p.name.StartsWith("aux_heads.", StringComparison.Ordinal))
            .Sum(p => p.parameter.numel());
    }

    /// <summary>
    /// The median wall time (ms) of <paramref name="repeats"/> forward passes of <paramref name="decoder"/>
    /// on <paramref name="skips"/> (encoder features, batch of one), after <paramref name="warmup"/> untimed passes,
    /// without gradients.
    /// </summary>
    public static double MeasureLatencyMilliseconds(Decoder decoder, IReadOnlyList<Tensor> skips, int warmup = 2, int repeats = 10)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(skips);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var wasTraining = decoder.training;
        decoder.eval();
        try
        {
            using var noGrad = no_grad();
            for (var i = 0; i < warmup; i++)
            {
                using var scope = NewDisposeScope();
                _ = decoder.forward(skips);
            }

            var times = new double[repeats];
            for (var i = 0; i < repeats; i++)
            {
                using var scope = NewDisposeScope();
                var start = Stopwatch.GetTimestamp();
                _ = decoder.forward(skips);
                times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            Array.Sort(times);
            return repeats % 2 == 1 ? times[repeats / 2] : (times[(repeats / 2) - 1] + times[repeats / 2]) / 2;
        }
        finally
        {
            decoder.train(wasTraining);
        }
    }

    /// <summary>
    /// Parameters, FLOPs and measured latency; the FLOPs are for a patch of the spatial size of
    /// <paramref name="skips"/>[0], which is the patch size because the first encoder stage has stride 1.
    /// </summary>
    public static DecoderCost Measure(Decoder decoder, EncoderPlan encoder, IReadOnlyList<Tensor> skips, int warmup = 2, int repeats = 10)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(skips);
        if (skips.Count == 0 || skips[0].dim() != 5)
        {
            throw new ArgumentException("skips must hold [N, C, D, H, W] encoder features, finest first", nameof(skips));
        }

        var shape = skips[0].shape;
        int[] patch = [(int)shape[2], (int)shape[3], (int)shape[4]];
        return new DecoderCost(CountParameters(decoder), CountFlops(encoder, decoder.Plan, patch), MeasureLatencyMilliseconds(decoder, skips, warmup, repeats));
    }

    internal static long[] StageWidths(EncoderPlan encoder, DecoderGenotype genotype)
    {
        var levels = encoder.Stages.Count - 1;
        var widths = new long[levels];
        for (var i = 0; i < levels; i++)
        {
            // The same rounding as the Decoder's constructor.
            widths[i] = Math.Max(1, (long)Math.Round(encoder.Stages[i].Width * genotype.Stages[i].WidthMultiplier));
        }

        return widths;
    }

    private static long Voxels((long Z, long Y, long X) size) => checked(size.Z * size.Y * size.X);
}
