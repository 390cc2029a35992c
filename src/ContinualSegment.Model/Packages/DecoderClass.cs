using System.Text.Json.Serialization;
using ContinualSegment.Imaging;

namespace ContinualSegment.Model.Packages;

/// <summary>One class a decoder predicts.</summary>
public sealed record DecoderClass
{
    /// <summary>The task-local label (1..n; 0 is background).</summary>
    [JsonPropertyName("label")]
    public required int Label { get; init; }

    /// <summary>The catalogue's snake_case name, e.g. <c>liver</c>.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The segmented property category.</summary>
    [JsonPropertyName("category")]
    public required CodedConcept Category { get; init; }

    /// <summary>The segmented property type.</summary>
    [JsonPropertyName("type")]
    public required CodedConcept Type { get; init; }

    /// <summary>The laterality modifier, when the structure has one.</summary>
    [JsonPropertyName("laterality")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CodedConcept? Laterality { get; init; }
}
