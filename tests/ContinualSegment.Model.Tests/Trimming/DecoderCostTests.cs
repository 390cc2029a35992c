using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Trimming;
using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Tests.Trimming;

public sealed class DecoderCostTests
{
    [Fact]
    public void Flops_of_a_single_convolution_match_a_hand_count()
    {
        // 3 → 5 channels, 3×3×3 kernel, a 4×4×4 output: 5·64 outputs, each 3·27 multiply-adds.
        Assert.Equal(2L * 5 * 64 * 3 * 27, DecoderCostMeter.ConvolutionFlops(3, 5, (3, 3, 3), 64));

        // Depthwise 4 → 4 (groups 4), 1×3×3 over 10 voxels: 4·10 outputs, each 9 multiply-adds.
        Assert.Equal(2L * 4 * 10 * 9, DecoderCostMeter.ConvolutionFlops(4, 4, (1, 3, 3), 10, groups: 4));
        Assert.Throws<ArgumentException>(() => DecoderCostMeter.ConvolutionFlops(4, 6, (1, 1, 1), 10, groups: 4));
    }

    [Theory]
    [InlineData(BlockType.ConvPair, 1.0, true)]
    [InlineData(BlockType.SingleConv, 0.5, false)]
    [InlineData(BlockType.Pseudo3D, 0.75, false)]
    [InlineData(BlockType.DepthwiseSeparable, 0.25, true)]
    public void Decoder_flops_equal_a_count_over_the_modules_weights(BlockType block, double width, bool skip)
    {
        var encoder = TinyPlans.Encoder();
        var plan = TinyPlans.Decoder("d", "chest", ["a", "b"], new DecoderGenotype
        {
            Stages = [new DecoderStageGene { Block = block, WidthMultiplier = 1 }, new DecoderStageGene { Block = block, WidthMultiplier = width, Skip = skip }],
        }, deepSupervision: true);
        using var decoder = new Decoder(encoder, plan);

        // Voxels per resolution level of a 16³ patch through strides 1,1,1 / 1,2,2 / 2,2,2.
        long[] voxels = [16 * 16 * 16, 16 * 8 * 8, 8 * 4 * 4];
        long expected = 0;
        foreach (var (name, p) in decoder.named_parameters())
        {
            if (p.dim() != 5 || name.StartsWith("aux_heads.", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = name.Split('.');
            if (parts[0] == "ups")
            {
                // Transposed convolution: every input voxel (one level coarser) meets every weight once.
                expected += 2 * p.numel() * voxels[int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) + 1];
            }
            else
            {
                // Convolution: every output voxel meets every weight once.
                var level = parts[0] == "head" ? 0 : int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                expected += 2 * p.numel() * voxels[level];
            }
        }

        Assert.Equal(expected, DecoderCostMeter.CountFlops(encoder, plan, [16, 16, 16]));
        Assert.Equal(decoder.parameters().Sum(p => p.numel()) - decoder.named_parameters().Where(p => p.name.StartsWith("aux_heads.", StringComparison.Ordinal)).Sum(p => p.parameter.numel()), DecoderCostMeter.CountParameters(decoder));
        Assert.Contains(decoder.named_parameters(), p => p.name.StartsWith("aux_heads.", StringComparison.Ordinal));
    }

    [Fact]
    public void Latency_is_a_positive_median_of_timed_passes()
    {
        torch.manual_seed(3);
        var encoder = TinyPlans.Encoder();
        using var decoder = new Decoder(encoder, TinyPlans.Decoder("d", "chest", ["a"]));
        using var scope = NewDisposeScope();
        Tensor[] skips = [randn(new long[] { 1, 4, 8, 8, 8 }), randn(new long[] { 1, 8, 8, 4, 4 }), randn(new long[] { 1, 12, 4, 2, 2 })];

        var cost = DecoderCostMeter.Measure(decoder, encoder, skips, warmup: 1, repeats: 3);

        Assert.True(cost.LatencyMilliseconds > 0);
        Assert.Equal(DecoderCostMeter.CountFlops(encoder, decoder.Plan, [8, 8, 8]), cost.Flops);
        Assert.True(decoder.training);
    }
}
