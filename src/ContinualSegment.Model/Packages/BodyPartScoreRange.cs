using System.Text.Json.Serialization;

namespace ContinualSegment.Model.Packages;

/// <summary>The body-part regression score range a decoder's training data covered.</summary>
/// <param name="Min">Lowest score (inclusive).</param>
/// <param name="Max">Highest score (inclusive); greater than <paramref name="Min"/>.</param>
public sealed record BodyPartScoreRange(
    [property: JsonPropertyName("min")] double Min,
    [property: JsonPropertyName("max")] double Max);
