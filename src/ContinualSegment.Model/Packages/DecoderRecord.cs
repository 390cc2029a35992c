using System.Text.Json.Serialization;

namespace ContinualSegment.Model.Packages;

/// <summary>
/// What training records beside a decoder it trained into a model (<c>decoders/&lt;id&gt;.record.json</c>, format
/// <see cref="CurrentFormat"/>): where it came from and how well it did, so that it can be exported as a package
/// without asking. Models trained before these records existed have none.
/// </summary>
public sealed record DecoderRecord
{
    /// <summary>The record format this code writes and reads.</summary>
    public const string CurrentFormat = "cseg-decoder-record/1";

    /// <summary>The format; must be <see cref="CurrentFormat"/>.</summary>
    [JsonPropertyName("format")]
    public string Format { get; init; } = CurrentFormat;

    /// <summary>Where the decoder came from.</summary>
    [JsonPropertyName("provenance")]
    public required TrainingProvenance Provenance { get; init; }

    /// <summary>Validation metrics by name, e.g. <c>meanDice</c>.</summary>
    [JsonPropertyName("metrics")]
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// How the continual step that trained the decoder ran: <c>continual</c> (the new decoder alone, on the frozen encoder),
    /// <c>finetune</c> or <c>lwf</c> (baselines that retrained the encoder). Null (not written) for a base run and in
    /// records written before modes were recorded.
    /// </summary>
    [JsonPropertyName("mode")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Mode { get; init; }

    /// <summary>
    /// The steps that retrained the encoder this decoder is stamped with, oldest first: the decoder's own step when it
    /// was a <c>finetune</c> or <c>lwf</c> step, then every such later step. Null (not written) when there was none: the
    /// decoder was trained on the encoder its plan entry names.
    /// </summary>
    [JsonPropertyName("encoderRetrained")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<EncoderRetraining>? EncoderRetrained { get; init; }
}
