using ContinualSegment.Model.Plans;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Networks;

/// <summary>
/// The general (shared, later frozen) 3D U-Net encoder, nnU-Net style: per stage two convolutions
/// with InstanceNorm and LeakyReLU, downsampling by the stride of each stage's first convolution.
/// Input [N, C, D, H, W]; output the feature of every stage, finest first (the decoders' skips).
/// Weight names: <c>stages.&lt;i&gt;.conv{1,2}.{conv,norm}.{weight,bias}</c>.
/// </summary>
public sealed class GeneralEncoder : nn.Module<Tensor, IReadOnlyList<Tensor>>
{
    private readonly ModuleList<EncoderStage> stages;

    /// <summary>Builds the encoder described by <paramref name="plan"/> (weights initialised from the current torch seed).</summary>
    public GeneralEncoder(EncoderPlan plan, int inputChannels)
        : base(nameof(GeneralEncoder))
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputChannels, 1);
        Plan = plan;
        InputChannels = inputChannels;
        stages = new ModuleList<EncoderStage>();
        long previous = inputChannels;
        foreach (var s in plan.Stages)
        {
            stages.Add(new EncoderStage(previous, s.Width, Triple(s.KernelSize), Triple(s.Stride)));
            previous = s.Width;
        }

        RegisterComponents();
    }

    /// <summary>The architecture it was built from.</summary>
    public EncoderPlan Plan { get; }

    /// <summary>Channels of its input image.</summary>
    public int InputChannels { get; }

    /// <summary>Runs all stages; the caller owns the returned tensors.</summary>
    public override IReadOnlyList<Tensor> forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var features = new List<Tensor>(stages.Count);
        var x = input;
        foreach (var stage in stages)
        {
            x = stage.forward(x);
            features.Add(x);
        }

        return features;
    }

    /// <summary>Sets requires_grad on every encoder parameter (false = frozen for continual training).</summary>
    public void SetTrainable(bool trainable)
    {
        foreach (var p in parameters())
        {
            p.requires_grad = trainable;
        }
    }

    internal static (long, long, long) Triple(IReadOnlyList<int> v) => (v[0], v[1], v[2]);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            stages.Dispose();
        }

        base.Dispose(disposing);
    }
}
