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
}
