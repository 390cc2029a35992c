using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Networks;

/// <summary>Convolution → InstanceNorm (affine) → LeakyReLU(0.01); padding keeps the size at stride 1.</summary>
internal sealed class ConvNormAct : nn.Module<Tensor, Tensor>
{
    private readonly Conv3d conv;
    private readonly InstanceNorm3d norm;
    private readonly LeakyRelu act;

    public ConvNormAct(long inChannels, long outChannels, (long, long, long) kernel, (long, long, long) stride, long groups = 1)
        : base(nameof(ConvNormAct))
    {
        conv = nn.Conv3d(inChannels, outChannels, kernel, stride: stride, padding: (kernel.Item1 / 2, kernel.Item2 / 2, kernel.Item3 / 2), groups: groups);
        norm = nn.InstanceNorm3d(outChannels, affine: true);
        act = new LeakyRelu(0.01);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        // Grouped (depthwise) convolutions are right in the default order and wrong in channels-last.
        using var ordered = conv.groups > 1 ? input.alias() : ChannelsLast.Of(input);
        using var c = conv.forward(ordered);
        using var n = norm.forward(c);
        return act.forward(n);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv.Dispose();
            norm.Dispose();
            act.Dispose();
        }

        base.Dispose(disposing);
    }
}
