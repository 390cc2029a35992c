using System.Text.Json.Serialization;

namespace ContinualSegment.Model.Packages;

/// <summary>A coded concept (DICOM code sequence item): code value, coding scheme and meaning.</summary>
/// <param name="Code">The code value, e.g. <c>10200004</c>.</param>
/// <param name="Scheme">The coding scheme designator, e.g. <c>SCT</c>.</param>
/// <param name="Meaning">The code meaning, e.g. <c>Liver</c>.</param>
public sealed record CodedConcept(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("scheme")] string Scheme,
    [property: JsonPropertyName("meaning")] string Meaning)
{
    /// <summary>True when code value and scheme are equal (the meaning is descriptive only).</summary>
    public bool SameCodeAs(CodedConcept? other) =>
        other is not null
        && string.Equals(Code, other.Code, StringComparison.Ordinal)
        && string.Equals(Scheme, other.Scheme, StringComparison.Ordinal);

    /// <summary>The concept as <c>(code, scheme, "meaning")</c>.</summary>
    public override string ToString() => $"({Code}, {Scheme}, \"{Meaning}\")";
}
