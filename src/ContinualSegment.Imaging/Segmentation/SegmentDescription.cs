namespace ContinualSegment.Imaging.Segmentation;

/// <summary>What a segment is: label, coded category and type (with laterality modifier), colour, algorithm and tracking.</summary>
public sealed record SegmentDescription
{
    /// <summary>Segment Label (at most 64 characters).</summary>
    public required string Label { get; init; }

    public required CodedConcept Category { get; init; }

    public required CodedConcept Type { get; init; }

    /// <summary>Segmented Property Type Modifier, e.g. laterality; optional.</summary>
    public CodedConcept? TypeModifier { get; init; }

    /// <summary>Recommended display colour (written as CIELab).</summary>
    public required RgbColor Color { get; init; }

    /// <summary>The producing algorithm; null marks a manual segment.</summary>
    public SegmentAlgorithm? Algorithm { get; init; }

    /// <summary>Segment Description; optional.</summary>
    public string? Description { get; init; }

    /// <summary>Tracking ID; optional (written together with <see cref="TrackingUid"/>).</summary>
    public string? TrackingId { get; init; }

    /// <summary>Tracking UID; when <see cref="TrackingId"/> is set and this is not, one is derived from the SOP Instance UID and the tracking ID.</summary>
    public string? TrackingUid { get; init; }

    /// <summary>The description of a catalogue structure produced by <paramref name="algorithm"/>.</summary>
    public static SegmentDescription FromStructure(StructureInfo structure, SegmentAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(structure);
        ArgumentNullException.ThrowIfNull(algorithm);
        return new SegmentDescription
        {
            Label = structure.DisplayName.Length <= 64 ? structure.DisplayName : structure.DisplayName[..64],
            Category = structure.Category,
            Type = structure.Type,
            TypeModifier = structure.Laterality,
            Color = structure.Color,
            Algorithm = algorithm,
            TrackingId = structure.Name,
        };
    }
}
