using System.Text.Json.Serialization;
using ContinualSegment.Dicom;

namespace ContinualSegment.Imaging;

/// <summary>
/// A coded concept (PS3.3 §8.8): code value, coding scheme designator and code meaning. As a code sequence item the
/// value goes to Code Value (SH, up to 16 characters), Long Code Value (UC, longer codes) or URN Code Value (UR, a code
/// that is a URN or URL), chosen by the value's length and form.
/// </summary>
/// <param name="Code">The code value, e.g. <c>10200004</c>.</param>
/// <param name="Scheme">The coding scheme designator, e.g. <c>SCT</c>.</param>
/// <param name="Meaning">The code meaning, e.g. <c>Liver</c>.</param>
public sealed record CodedConcept(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("scheme")] string Scheme,
    [property: JsonPropertyName("meaning")] string Meaning)
{
    /// <summary>The longest code that Code Value (SH) holds.</summary>
    public const int MaxShortCodeLength = 16;

    /// <summary>The longest code meaning (LO).</summary>
    public const int MaxMeaningLength = 64;

    /// <summary>True when the code is a URN or URL, written as URN Code Value.</summary>
    [JsonIgnore]
    public bool IsUrn =>
        Code.StartsWith("urn:", StringComparison.OrdinalIgnoreCase)
        || Code.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || Code.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when code value and scheme are equal (the meaning is descriptive only).</summary>
    public bool SameCodeAs(CodedConcept? other) =>
        other is not null
        && string.Equals(Code, other.Code, StringComparison.Ordinal)
        && string.Equals(Scheme, other.Scheme, StringComparison.Ordinal);

    /// <summary>
    /// The concept as a code sequence item: the code in Code Value, Long Code Value or URN Code Value, the scheme
    /// (left out for a URN without one) and the meaning (cut to 64 characters).
    /// </summary>
    public DicomDataset ToCodeItem()
    {
        ArgumentException.ThrowIfNullOrEmpty(Code);
        ArgumentNullException.ThrowIfNull(Scheme);
        ArgumentNullException.ThrowIfNull(Meaning);
        DicomElement code = IsUrn
            ? DicomElement.FromStrings(DicomTags.URNCodeValue, DicomVR.UR, Code)
            : Code.Length <= MaxShortCodeLength
                ? DicomElement.FromStrings(DicomTags.CodeValue, DicomVR.SH, Code)
                : DicomElement.FromStrings(DicomTags.LongCodeValue, DicomVR.UC, Code);
        var item = new DicomDataset(code, DicomElement.FromStrings(DicomTags.CodeMeaning, DicomVR.LO, Meaning.Length <= MaxMeaningLength ? Meaning : Meaning[..MaxMeaningLength]));
        if (!IsUrn || Scheme.Length > 0)
        {
            item.Add(DicomElement.FromStrings(DicomTags.CodingSchemeDesignator, DicomVR.SH, Scheme));
        }

        return item;
    }

    /// <summary>Reads a code sequence item (Code Value, Long Code Value or URN Code Value; missing texts read as empty).</summary>
    public static CodedConcept FromCodeItem(DicomDataset item)
    {
        ArgumentNullException.ThrowIfNull(item);
        string code = item.GetStringOrDefault(DicomTags.CodeValue);
        if (code.Length == 0)
        {
            code = item.GetStringOrDefault(DicomTags.LongCodeValue);
        }

        if (code.Length == 0)
        {
            code = item.GetStringOrDefault(DicomTags.URNCodeValue);
        }

        return new CodedConcept(code, item.GetStringOrDefault(DicomTags.CodingSchemeDesignator), item.GetStringOrDefault(DicomTags.CodeMeaning));
    }

    /// <summary>The concept as <c>(code, scheme, "meaning")</c>.</summary>
    public override string ToString() => $"({Code}, {Scheme}, \"{Meaning}\")";
}
