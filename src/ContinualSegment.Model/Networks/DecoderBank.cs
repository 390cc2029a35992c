using ContinualSegment.Model.Plans;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Networks;

/// <summary>
/// The general encoder plus one decoder per task. <see cref="forward"/> runs the encoder once and
/// every enabled decoder on the shared features. Weight names: <c>encoder.…</c> and
/// <c>decoders.&lt;id&gt;.…</c>.
/// </summary>
public sealed class DecoderBank : nn.Module<Tensor, IReadOnlyDictionary<string, Tensor>>
{
    private readonly GeneralEncoder encoder;
    private readonly ModuleDict<Decoder> decoders;
    private readonly HashSet<string> disabled = new(StringComparer.Ordinal);
    private readonly List<string> order = [];

    /// <summary>Builds the encoder and every decoder of <paramref name="plan"/> with fresh weights.</summary>
    public DecoderBank(ModelPlan plan)
        : base(nameof(DecoderBank))
    {
        ArgumentNullException.ThrowIfNull(plan);
        ModelPlanSerializer.Validate(plan);
        EncoderPlan = plan.Encoder;
        InputChannels = plan.InputChannels;
        encoder = new GeneralEncoder(plan.Encoder, plan.InputChannels);
        decoders = new ModuleDict<Decoder>();
        foreach (var d in plan.Decoders)
        {
            decoders.Add(d.Id, new Decoder(plan.Encoder, d));
            order.Add(d.Id);
        }

        RegisterComponents();
    }

    /// <summary>The encoder's architecture.</summary>
    public EncoderPlan EncoderPlan { get; }

    /// <summary>Image channels the encoder takes.</summary>
    public int InputChannels { get; }

    /// <summary>The shared encoder.</summary>
    public GeneralEncoder Encoder => encoder;

    /// <summary>Decoder ids in the order they were added.</summary>
    public IReadOnlyList<string> DecoderIds => order;

    /// <summary>Decoder ids that <see cref="forward"/> runs.</summary>
    public IReadOnlyList<string> EnabledDecoderIds => order.Where(id => !disabled.Contains(id)).ToArray();

    /// <summary>The decoder with <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such decoder.</exception>
    public Decoder GetDecoder(string id)
        => decoders.TryGetValue(id, out var d) ? d : throw new KeyNotFoundException($"the bank has no decoder '{id}'");

    /// <summary>Adds a new decoder (fresh weights) for <paramref name="plan"/>.</summary>
    public Decoder AddDecoder(DecoderPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (decoders.ContainsKey(plan.Id))
        {
            throw new InvalidOperationException($"the bank already has a decoder '{plan.Id}'");
        }

        return Attach(new Decoder(EncoderPlan, plan));
    }

    /// <summary>Adds a decoder built (and possibly loaded) elsewhere for this bank's <see cref="EncoderPlan"/>.</summary>
    internal Decoder Attach(Decoder decoder)
    {
        var plan = decoder.Plan;
        if (decoders.ContainsKey(plan.Id))
        {
            throw new InvalidOperationException($"the bank already has a decoder '{plan.Id}'");
        }

        decoders.Add(plan.Id, decoder);

        // The dictionary registers its items as submodules only when its owner registers its
        // components (construction); a decoder added later is registered here explicitly.
        decoders.register_module(plan.Id, decoder);
        order.Add(plan.Id);
        return decoder;
    }

    /// <summary>Enables or disables a decoder for <see cref="forward"/>.</summary>
    public void SetEnabled(string id, bool enabled)
    {
        _ = GetDecoder(id);
        if (enabled)
        {
            disabled.Remove(id);
        }
        else
        {
            disabled.Add(id);
        }
    }

    /// <summary>Freezes (requires_grad = false) or unfreezes the encoder.</summary>
    public void FreezeEncoder(bool frozen = true) => encoder.SetTrainable(!frozen);

    /// <summary>Logits of every enabled decoder, keyed by id; the caller owns them.</summary>
    public override IReadOnlyDictionary<string, Tensor> forward(Tensor input) => RunDecoders(input, EnabledDecoderIds);

    /// <summary>Runs the encoder once and the decoders <paramref name="decoderIds"/> on its features.</summary>
    public IReadOnlyDictionary<string, Tensor> RunDecoders(Tensor input, IEnumerable<string> decoderIds)
    {
        ArgumentNullException.ThrowIfNull(decoderIds);
        var ids = decoderIds.ToArray();
        var chosen = ids.Select(GetDecoder).ToArray();
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (ids.Length == 0)
        {
            return result;
        }

        var skips = encoder.call(input);
        try
        {
            for (var i = 0; i < ids.Length; i++)
            {
                result[ids[i]] = chosen[i].call(skips);
            }
        }
        finally
        {
            foreach (var s in skips)
            {
                s.Dispose();
            }
        }

        return result;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            encoder.Dispose();
            decoders.Dispose();
        }

        base.Dispose(disposing);
    }
}
