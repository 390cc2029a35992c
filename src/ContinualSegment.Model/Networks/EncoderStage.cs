using static TorchSharp.torch;

namespace ContinualSegment.Model.Networks;

/// <summary>One encoder stage: a (possibly strided) ConvNormAct followed by a stride-1 one.</summary>
internal sealed class EncoderStage : nn.Module<Tensor, Tensor>
{
    private readonly ConvNormAct conv1;
    private readonly ConvNormAct conv2;

    public EncoderStage(long inChannels, long outChannels, (long, long, long) kernel, (long, long, long) stride)
        : base(nameof(EncoderStage))
    {
        conv1 = new ConvNormAct(inChannels, outChannels, kernel, stride);
        conv2 = new ConvNormAct(outChannels, outChannels, kernel, (1, 1, 1));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var a = conv1.forward(input);
        return conv2.forward(a);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose();
            conv2.Dispose();
        }

        base.Dispose(disposing);
    }
}
