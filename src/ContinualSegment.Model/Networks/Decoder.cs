using ContinualSegment.Model.Plans;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Networks;

/// <summary>
/// A task decoder over the general encoder's skip features: per stage (coarsest first) transposed-
/// convolution upsampling, optional concatenation of the encoder's skip feature, and the block the
/// genotype chooses; then a 1×1×1 head to (task classes + background) logits.
/// Weight names: <c>ups.&lt;i&gt;</c>, <c>blocks.&lt;i&gt;</c> (i = resolution level, 0 = finest),
/// <c>head</c>, and with deep supervision <c>aux_heads.&lt;i−1&gt;</c> for levels i ≥ 1.
/// </summary>
public sealed class Decoder : nn.Module<IReadOnlyList<Tensor>, Tensor>
{
    private readonly ModuleList<ConvTranspose3d> ups;
    private readonly ModuleList<DecoderBlock> blocks;
    private readonly Conv3d head;
    private readonly ModuleList<Conv3d> aux_heads;
    private readonly bool[] useSkip;

    /// <summary>Builds the decoder <paramref name="plan"/> describes for an encoder built from <paramref name="encoder"/>.</summary>
    public Decoder(EncoderPlan encoder, DecoderPlan plan)
        : base(nameof(Decoder))
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(plan);
        ModelPlanSerializer.ValidateDecoder(plan, encoder.Stages.Count);
        Plan = plan;
        var levels = encoder.Stages.Count - 1;
        var widths = new long[levels];
        useSkip = new bool[levels];
        for (var i = 0; i < levels; i++)
        {
            var gene = plan.Genotype.Stages[i];
            widths[i] = Math.Max(1, (long)Math.Round(encoder.Stages[i].Width * gene.WidthMultiplier));
            useSkip[i] = gene.Skip;
        }

        ups = new ModuleList<ConvTranspose3d>();
        blocks = new ModuleList<DecoderBlock>();
        aux_heads = new ModuleList<Conv3d>();
        for (var i = 0; i < levels; i++)
        {
            long below = i == levels - 1 ? encoder.Stages[levels].Width : widths[i + 1];
            var stride = GeneralEncoder.Triple(encoder.Stages[i + 1].Stride);
            ups.Add(nn.ConvTranspose3d(below, widths[i], stride, stride: stride, bias: false));
            var inChannels = widths[i] + (useSkip[i] ? encoder.Stages[i].Width : 0);
            blocks.Add(new DecoderBlock(plan.Genotype.Stages[i].Block, inChannels, widths[i], GeneralEncoder.Triple(encoder.Stages[i].KernelSize)));
            if (plan.DeepSupervision && i > 0)
            {
                aux_heads.Add(nn.Conv3d(widths[i], plan.OutputChannels, 1));
            }
        }

        head = nn.Conv3d(widths[0], plan.OutputChannels, 1);
        RegisterComponents();
    }

    /// <summary>The plan entry it was built from.</summary>
    public DecoderPlan Plan { get; }

    /// <summary>Logits [N, classes + 1, D, H, W] at full resolution.</summary>
    public override Tensor forward(IReadOnlyList<Tensor> input)
    {
        var outputs = Run(input, auxiliary: false);
        return outputs[0];
    }

    /// <summary>
    /// Full-resolution logits first, then (with deep supervision) the auxiliary logits of levels
    /// 1, 2, … (each at its level's resolution). The caller owns all returned tensors.
    /// </summary>
    public IReadOnlyList<Tensor> ForwardWithAuxiliary(IReadOnlyList<Tensor> skips) => Run(skips, auxiliary: Plan.DeepSupervision);

    private List<Tensor> Run(IReadOnlyList<Tensor> skips, bool auxiliary)
    {
        ArgumentNullException.ThrowIfNull(skips);
        var levels = blocks.Count;
        if (skips.Count != levels + 1)
        {
            throw new ArgumentException($"decoder '{Plan.Id}' needs {levels + 1} skip features, got {skips.Count}", nameof(skips));
        }

        var aux = new List<Tensor>();
        var x = skips[levels];
        for (var i = levels - 1; i >= 0; i--)
        {
            using var up = ups[i].forward(x);
            if (!ReferenceEquals(x, skips[levels]))
            {
                x.Dispose();
            }

            if (useSkip[i])
            {
                using var joined = cat([up, skips[i]], 1);
                x = blocks[i].forward(joined);
            }
            else
            {
                x = blocks[i].forward(up);
            }

            if (auxiliary && i > 0)
            {
                aux.Insert(0, aux_heads[i - 1].forward(x));
            }
        }

        var result = new List<Tensor>(aux.Count + 1) { head.forward(x) };
        x.Dispose();
        result.AddRange(aux);
        return result;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ups.Dispose();
            blocks.Dispose();
            head.Dispose();
            aux_heads.Dispose();
        }

        base.Dispose(disposing);
    }
}
