using ContinualSegment.Model.BodyPart;
using ContinualSegment.Model.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Tests;

/// <summary>
/// Regression: libtorch's oneDNN convolution backward in its blocked layout gave wrong, sometimes NaN, input
/// gradients on AVX-512 machines whenever the output channels were not a multiple of the SIMD block (8, 12, 5
/// channels…), so trainings of narrow layers diverged. The float32 gradients of every convolution we train must
/// match the same module's float64 gradients (double convolutions take libtorch's reference path).
/// </summary>
public sealed class ConvolutionGradientTests
{
    public static TheoryData<long, long, int, int, int, long> ConvNormActCases => new()
    {
        // in, out, kernel depth, kernel in-plane, stride, groups
        { 12, 8, 1, 3, 1, 1 },
        { 12, 8, 3, 3, 1, 1 },
        { 16, 8, 3, 3, 1, 1 },
        { 32, 5, 3, 3, 1, 1 },
        { 8, 12, 3, 3, 2, 1 },
        { 4, 8, 3, 3, 1, 1 },
        { 12, 12, 3, 3, 1, 12 },
        { 8, 8, 3, 3, 1, 8 },
        { 6, 6, 1, 3, 1, 6 },
        { 16, 16, 3, 3, 1, 1 },
        { 1, 8, 3, 3, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(ConvNormActCases))]
    public void Convolution_blocks_have_the_gradients_of_their_double_precision_twin(long inChannels, long outChannels, int kernelDepth, int kernel, int stride, long groups)
    {
        AssertGradientsMatch(
            () => new ConvNormAct(inChannels, outChannels, (kernelDepth, kernel, kernel), (stride, stride, stride), groups),
            [2, inChannels, 12, 16, 16],
            checkInput: inChannels > 1);
    }

    [Theory]
    [InlineData(20, 8)]
    [InlineData(12, 8)]
    [InlineData(8, 12)]
    [InlineData(1, 8)]
    public void Convolution_blocks_compute_the_forward_pass_of_their_double_precision_twin(long inChannels, long outChannels)
    {
        // Inference too: a 20-channel input (8 upsampled + 12 skip channels) came out NaN now and then.
        using var noGrad = no_grad();
        torch.manual_seed(9);
        using var block = new ConvNormAct(inChannels, outChannels, (3, 3, 3), (1, 1, 1));
        using var twin = new ConvNormAct(inChannels, outChannels, (3, 3, 3), (1, 1, 1));
        twin.load_state_dict(block.state_dict());
        twin.to(ScalarType.Float64);
        for (var pass = 0; pass < 20; pass++)
        {
            using var scope = NewDisposeScope();
            var input = randn([1 + (pass % 3), inChannels, 16 + (pass % 5), 16, 24]);
            var expected = twin.forward(input.to(ScalarType.Float64));
            AssertClose("output", block.forward(input), expected, expected.abs().max().item<double>());
        }
    }

    [Theory]
    [InlineData(16, 8)]
    [InlineData(12, 6)]
    [InlineData(32, 12)]
    public void Transposed_convolutions_have_the_gradients_of_their_double_precision_twin(long inChannels, long outChannels)
    {
        AssertGradientsMatch(() => nn.ConvTranspose3d(inChannels, outChannels, 2, stride: 2, bias: false), [2, inChannels, 6, 8, 8], checkInput: true);
    }

    [Theory]
    [InlineData(8, 3)]
    [InlineData(12, 5)]
    public void Output_heads_have_the_gradients_of_their_double_precision_twin(long inChannels, long classes)
    {
        AssertGradientsMatch(() => nn.Conv3d(inChannels, classes, 1), [2, inChannels, 6, 8, 8], checkInput: true);
    }

    [Fact]
    public void The_body_part_regressor_has_the_gradients_of_its_double_precision_twin()
    {
        AssertGradientsMatch(() => new BodyPartRegressor(8), [16, 1, 48, 48], checkInput: false);
    }

    /// <remarks>
    /// The gradient of a one-channel input (the image itself) is not checked: no training needs it, and libtorch
    /// gets it wrong in either memory order.
    /// </remarks>
    private static void AssertGradientsMatch(Func<nn.Module<Tensor, Tensor>> create, long[] inputShape, bool checkInput)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(7);
        using var single = create();
        using var reference = create();
        reference.load_state_dict(single.state_dict());
        reference.to(ScalarType.Float64);
        var input = randn(inputShape);
        var upstream = randn(single.forward(input).shape);

        // Several passes: the wrong gradients came from uninitialised padding, so they varied between calls.
        for (var pass = 0; pass < 3; pass++)
        {
            single.zero_grad();
            reference.zero_grad();
            var x = input.clone().requires_grad_(true);
            var x64 = input.to(ScalarType.Float64).requires_grad_(true);
            single.forward(x).backward([upstream]);
            reference.forward(x64).backward([upstream.to(ScalarType.Float64)]);

            // Errors are measured against the largest gradient of all: a bias ahead of a normalisation has a
            // gradient of (nearly) zero that float32 can only match to rounding.
            var twins = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            var scale = twins.Values.Select(p => p.grad!.abs().max().item<double>()).Append(x64.grad!.abs().max().item<double>()).Max();
            if (checkInput)
            {
                AssertClose("input", x.grad!, x64.grad!, scale);
            }

            foreach (var (name, parameter) in single.named_parameters())
            {
                AssertClose(name, parameter.grad!, twins[name].grad!, scale);
            }
        }
    }

    private static void AssertClose(string what, Tensor actual, Tensor expected, double scale)
    {
        var a = actual.to(ScalarType.Float64);
        Assert.False(a.isnan().any().item<bool>(), $"{what}: NaN in the float32 gradient");
        Assert.True(scale > 0, "the reference gradients are all zero");
        var error = (a - expected).abs().max().item<double>() / scale;
        Assert.True(error < 1e-3, $"{what}: largest gradient error {error:g3} of the largest gradient");
    }
}
