using ContinualSegment.Model.Plans;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Networks;

/// <summary>The convolution block of one decoder stage, built from a <see cref="BlockType"/>.</summary>
internal sealed class DecoderBlock : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> layers;

    public DecoderBlock(BlockType type, long inChannels, long outChannels, (long Z, long Y, long X) kernel)
        : base(nameof(DecoderBlock))
    {
        layers = new ModuleList<nn.Module<Tensor, Tensor>>();
        switch (type)
        {
            case BlockType.ConvPair:
                layers.Add(new ConvNormAct(inChannels, outChannels, kernel, (1, 1, 1)));
                layers.Add(new ConvNormAct(outChannels, outChannels, kernel, (1, 1, 1)));
                break;
            case BlockType.SingleConv:
                layers.Add(new ConvNormAct(inChannels, outChannels, kernel, (1, 1, 1)));
                break;
            case BlockType.Pseudo3D:
                layers.Add(new ConvNormAct(inChannels, outChannels, (1, kernel.Y, kernel.X), (1, 1, 1)));
                layers.Add(new ConvNormAct(outChannels, outChannels, (kernel.Z, 1, 1), (1, 1, 1)));
                break;
            case BlockType.DepthwiseSeparable:
                layers.Add(new ConvNormAct(inChannels, inChannels, kernel, (1, 1, 1), groups: inChannels));
                layers.Add(new ConvNormAct(inChannels, outChannels, (1, 1, 1), (1, 1, 1)));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "unknown block type");
        }

        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var layer in layers)
        {
            var y = layer.forward(x);
            if (!ReferenceEquals(x, input))
            {
                x.Dispose();
            }

            x = y;
        }

        return x;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            layers.Dispose();
        }

        base.Dispose(disposing);
    }
}
