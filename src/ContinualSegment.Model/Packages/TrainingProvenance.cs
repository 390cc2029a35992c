using System.Text.Json.Serialization;

namespace ContinualSegment.Model.Packages;

/// <summary>Where a decoder came from.</summary>
public sealed record TrainingProvenance
{
    /// <summary>The training data set's name.</summary>
    [JsonPropertyName("dataset")]
    public required string Dataset { get; init; }

    /// <summary>The number of training cases.</summary>
    [JsonPropertyName("cases")]
    public required int Cases { get; init; }

    /// <summary>When training finished.</summary>
    [JsonPropertyName("trainedAt")]
    public required DateTimeOffset TrainedAt { get; init; }

    /// <summary>The software version that trained it.</summary>
    [JsonPropertyName("softwareVersion")]
    public required string SoftwareVersion { get; init; }

    /// <summary>The random seed of the training run.</summary>
    [JsonPropertyName("seed")]
    public required long Seed { get; init; }
}
