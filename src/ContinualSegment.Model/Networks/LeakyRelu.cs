using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Networks;

/// <summary>
/// LeakyReLU whose slope scalar lives until the native call has returned. TorchSharp's own LeakyReLU module
/// converts the slope to a native scalar on every call and hands over only its handle, so the garbage
/// collector may finalise (free) that scalar while libtorch still reads it; under allocation pressure this
/// aborted training runs with "Expected false to be true" from c10::Scalar::toFloat.
/// </summary>
internal sealed class LeakyRelu : nn.Module<Tensor, Tensor>
{
    private readonly double negativeSlope;

    public LeakyRelu(double negativeSlope = 0.01)
        : base(nameof(LeakyRelu))
    {
        this.negativeSlope = negativeSlope;
    }

    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var slope = negativeSlope.ToScalar();
        return input.leaky_relu(slope);
    }
}
