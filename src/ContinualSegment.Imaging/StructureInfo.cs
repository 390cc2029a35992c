namespace ContinualSegment.Imaging;

/// <summary>One row of the structure catalogue.</summary>
public sealed record StructureInfo
{
    /// <summary>Row in the catalogue, 1–143 (tasks in order wholebody, chest, headneck, pathology).</summary>
    public required int GlobalIndex { get; init; }

    public required string Task { get; init; }

    /// <summary>Label value inside the task's own label maps (1..task size).</summary>
    public required int TaskLabel { get; init; }

    /// <summary>snake_case name (unique).</summary>
    public required string Name { get; init; }

    public required string DisplayName { get; init; }

    /// <summary>TG-263 name, or null where TG-263 has none.</summary>
    public string? Tg263Name { get; init; }

    public required CodedConcept Category { get; init; }

    public required CodedConcept Type { get; init; }

    /// <summary>Laterality modifier, or null.</summary>
    public CodedConcept? Laterality { get; init; }

    public required RgbColor Color { get; init; }

    /// <summary>For lesions: the healthy structures they lie in (names); empty otherwise.</summary>
    public required IReadOnlyList<string> Hosts { get; init; }

    public bool IsLesion => Hosts.Count > 0;
}
