using System.Text.Json.Serialization;

namespace ContinualSegment.Model.Plans;

/// <summary>One decoder of the bank: its task, architecture, classes and trust information.</summary>
public sealed record DecoderPlan
{
    /// <summary>Identifier, also the weight-name prefix (<c>decoders.&lt;id&gt;.</c>): lower-case letters, digits, '_' and '-'.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>The catalogue task it segments (wholebody, chest, headneck, pathology, …).</summary>
    public string Task { get; init; } = string.Empty;

    /// <summary>The per-stage architecture.</summary>
    public DecoderGenotype Genotype { get; init; } = new();

    /// <summary>Catalogue names of its classes in label order (label 1 first; background is implicit).</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>Whether auxiliary deep-supervision heads exist at the coarser stages.</summary>
    public bool DeepSupervision { get; init; }

    /// <summary>The body-part score range its training data covered.</summary>
    public BodyPartRange BodyPartRange { get; init; } = new();

    /// <summary>Softmax temperature that calibrates its probabilities (1 = none).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Fingerprint of the encoder it was trained on; empty until it is saved.</summary>
    public string EncoderFingerprint { get; init; } = string.Empty;

    /// <summary>The number of output channels: classes + background.</summary>
    [JsonIgnore]
    public int OutputChannels => Classes.Count + 1;
}
