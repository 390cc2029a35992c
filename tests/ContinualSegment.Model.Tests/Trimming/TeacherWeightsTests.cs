using ContinualSegment.Model.Networks;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Trimming;
using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Tests.Trimming;

public sealed class TeacherWeightsTests
{
    // The tiny encoder: stage widths 4, 8, 12; decoder stage 0 (kernel 1×3×3) and stage 1 (3×3×3).
    private static readonly EncoderPlan Encoder = TinyPlans.Encoder();

    [Fact]
    public void A_student_of_the_teachers_own_genotype_inherits_everything_and_computes_the_same()
    {
        using var teacher = Build(DecoderGenotype.Full(3), seed: 1);
        using var student = Build(DecoderGenotype.Full(3), seed: 2);
        using var skips = new Skips(seed: 3);
        Assert.False(Same(teacher.forward(skips.List), student.forward(skips.List)));

        var (inherited, total) = TeacherWeights.Inherit(Encoder, teacher, student);

        Assert.Equal(total, inherited);
        Assert.True(Same(teacher.forward(skips.List), student.forward(skips.List)));
    }

    [Fact]
    public void A_narrower_student_takes_the_leading_channels_and_the_whole_skip_feature()
    {
        using var teacher = Build(DecoderGenotype.Full(3), seed: 1);
        using var student = Build(Genotype((BlockType.ConvPair, 0.5, true), (BlockType.ConvPair, 0.5, true)), seed: 2);

        var (inherited, total) = TeacherWeights.Inherit(Encoder, teacher, student);

        Assert.Equal(total, inherited);
        var t = Parameters(teacher);
        var s = Parameters(student);

        // Stage 0: teacher width 4 reads [4 upsampled | 4 skip]; the student (width 2) reads [2 upsampled | 4 skip].
        var first = s["blocks.0.layers.0.conv.weight"];
        Assert.Equal(new long[] { 2, 6, 1, 3, 3 }, first.shape);
        Assert.True(Same(first[.., ..2], t["blocks.0.layers.0.conv.weight"][..2, ..2]));
        Assert.True(Same(first[.., 2..], t["blocks.0.layers.0.conv.weight"][..2, 4..]));

        // Stage 1's upsampling reads the bottom's 12 channels and writes the student's 4 of the teacher's 8.
        Assert.True(Same(s["ups.1.weight"], t["ups.1.weight"][.., ..4]));

        // The head reads the student's 2 channels of stage 0.
        Assert.True(Same(s["head.weight"], t["head.weight"][.., ..2]));
        Assert.True(Same(s["head.bias"], t["head.bias"]));
        Assert.True(Same(s["blocks.0.layers.1.norm.weight"], t["blocks.0.layers.1.norm.weight"][..2]));
    }

    [Fact]
    public void A_pseudo_3d_kernel_is_the_centre_of_the_full_kernel_and_a_dropped_skip_reads_the_upsampled_channels_only()
    {
        using var teacher = Build(DecoderGenotype.Full(3), seed: 1);
        using var student = Build(Genotype((BlockType.ConvPair, 1.0, true), (BlockType.Pseudo3D, 1.0, false)), seed: 2);

        TeacherWeights.Inherit(Encoder, teacher, student);
        var t = Parameters(teacher);
        var s = Parameters(student);

        // Stage 1 of the teacher: 3×3×3 kernels reading [8 upsampled | 8 skip]; the student reads 8 upsampled channels
        // with a 1×3×3 kernel (the middle plane), then a 3×1×1 one (the middle column).
        Assert.Equal(new long[] { 8, 8, 1, 3, 3 }, s["blocks.1.layers.0.conv.weight"].shape);
        Assert.True(Same(s["blocks.1.layers.0.conv.weight"], t["blocks.1.layers.0.conv.weight"][.., ..8, 1..2]));
        Assert.True(Same(s["blocks.1.layers.1.conv.weight"], t["blocks.1.layers.1.conv.weight"][.., .., .., 1..2, 1..2]));
    }

    [Fact]
    public void A_depthwise_convolution_is_not_taken_from_a_full_one_and_keeps_its_own_initialisation()
    {
        using var teacher = Build(DecoderGenotype.Full(3), seed: 1);
        using var student = Build(Genotype((BlockType.DepthwiseSeparable, 1.0, true), (BlockType.ConvPair, 1.0, true)), seed: 2);
        var before = Parameters(student)["blocks.0.layers.0.conv.weight"].clone();

        var (inherited, total) = TeacherWeights.Inherit(Encoder, teacher, student);

        Assert.True(inherited < total);
        Assert.True(Same(before, Parameters(student)["blocks.0.layers.0.conv.weight"]));
        Assert.True(Same(Parameters(student)["blocks.1.layers.1.conv.weight"], Parameters(teacher)["blocks.1.layers.1.conv.weight"]));
        before.Dispose();
    }

    private static Decoder Build(DecoderGenotype genotype, int seed)
    {
        torch.manual_seed(seed);
        return new Decoder(Encoder, TinyPlans.Decoder("d", "wholebody", ["spleen", "liver"], genotype));
    }

    private static DecoderGenotype Genotype(params (BlockType Block, double Width, bool Skip)[] stages) =>
        new() { Stages = [.. stages.Select(s => new DecoderStageGene { Block = s.Block, WidthMultiplier = s.Width, Skip = s.Skip })] };

    private static Dictionary<string, Tensor> Parameters(Decoder decoder) =>
        decoder.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter, StringComparer.Ordinal);

    private static bool Same(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.shape.SequenceEqual(b.shape) && a.detach().allclose(b.detach(), rtol: 0, atol: 0);
    }

    // Skip features of the tiny encoder for one 4×8×8 patch: 4 channels at full size, 8 at 4×4×4, 12 at 2×2×2.
    private sealed class Skips : IDisposable
    {
        public Skips(int seed)
        {
            torch.manual_seed(seed);
            List = [randn([1, 4, 4, 8, 8]), randn([1, 8, 4, 4, 4]), randn([1, 12, 2, 2, 2])];
        }

        public IReadOnlyList<Tensor> List { get; }

        public void Dispose()
        {
            foreach (var t in List)
            {
                t.Dispose();
            }
        }
    }
}
