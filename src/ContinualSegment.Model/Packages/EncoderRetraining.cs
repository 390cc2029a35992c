using System.Text.Json.Serialization;

namespace ContinualSegment.Model.Packages;

/// <summary>
/// A continual step of a baseline that retrained the encoder (<c>finetune</c> or <c>lwf</c>), as recorded beside the
/// decoder it trained and beside every earlier decoder whose record could be read: from then on those decoders are
/// stamped with (and load on) an encoder they were not trained on (<c>finetune</c>), or were trained again by
/// distillation on the new task's data (<c>lwf</c>).
/// </summary>
public sealed record EncoderRetraining
{
    /// <summary>The decoder the step trained (and added).</summary>
    [JsonPropertyName("step")]
    public required string Step { get; init; }

    /// <summary>The step's mode: <c>finetune</c> or <c>lwf</c>.</summary>
    [JsonPropertyName("mode")]
    public required string Mode { get; init; }

    /// <summary>The encoder's fingerprint before the step.</summary>
    [JsonPropertyName("previousEncoderFingerprint")]
    public required string PreviousEncoderFingerprint { get; init; }

    /// <summary>The encoder's fingerprint after the step.</summary>
    [JsonPropertyName("encoderFingerprint")]
    public required string EncoderFingerprint { get; init; }

    /// <summary>The earlier decoders re-stamped onto the new encoder (<c>lwf</c>: also trained by distillation).</summary>
    [JsonPropertyName("earlierDecoders")]
    public IReadOnlyList<string> EarlierDecoders { get; init; } = [];
}
