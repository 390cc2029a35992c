namespace ContinualSegment.Imaging.Segmentation;

/// <summary>
/// Turns the segments of a Segmentation back into one label map with catalogue values: catalogue indices (1–143)
/// for a merged map, or a task's local labels. Segments are matched to catalogue structures by tracking ID (the
/// structure's name, as <see cref="SegmentDescription.FromStructure"/> writes it), else by segment label (display
/// name), else by coded type and laterality. Overlaps resolve as in a merged label map: an organ's segment covers
/// its lesions, and the lesion label wins where they meet.
/// </summary>
public static class SegmentationLabelMap
{
    /// <summary>Builds the label map; segments of other tasks are left out when <paramref name="task"/> is given.</summary>
    /// <exception cref="InvalidDataException">A segment matches no catalogue structure, or two segments the same one.</exception>
    public static Volume<ushort> Build(SegmentationContent content, StructureCatalogue catalogue, string? task = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(catalogue);
        if (task is not null)
        {
            _ = catalogue.ForTask(task);
        }

        var matched = new List<(int Number, StructureInfo Structure)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (ReadSegment segment in content.Segments)
        {
            StructureInfo structure = StructureOf(segment.Description, catalogue)
                ?? throw new InvalidDataException($"Segment {segment.Number} ('{segment.Description.Label}') is no structure of the catalogue.");
            if (!seen.Add(structure.Name))
            {
                throw new InvalidDataException($"Segment {segment.Number} repeats structure '{structure.Name}'.");
            }

            if (task is null || structure.Task == task)
            {
                matched.Add((segment.Number, structure));
            }
        }

        // Organs first, then lesions: the lesion label wins inside its host, as in a merged label map.
        IEnumerable<(int, ushort)> order = matched
            .OrderBy(static m => m.Structure.IsLesion)
            .ThenBy(m => Value(m.Structure, task))
            .Select(m => (m.Number, Value(m.Structure, task)));
        return content.ToLabelMap(order);
    }

    /// <summary>The catalogue structure a segment describes, or null when none matches.</summary>
    public static StructureInfo? StructureOf(SegmentDescription description, StructureCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(catalogue);
        if (description.TrackingId is { Length: > 0 } id && catalogue.TryGet(id, out StructureInfo? byId) && byId is not null)
        {
            return byId;
        }

        StructureInfo[] byLabel = [.. catalogue.Structures.Where(s => string.Equals(s.DisplayName, description.Label, StringComparison.Ordinal))];
        if (byLabel.Length == 1)
        {
            return byLabel[0];
        }

        StructureInfo[] byCode = [.. catalogue.Structures.Where(s => SameCode(s.Type, description.Type) && SameLaterality(s.Laterality, description.TypeModifier))];
        return byCode.Length == 1 ? byCode[0] : null;
    }

    private static ushort Value(StructureInfo s, string? task) => checked((ushort)(task is null ? s.GlobalIndex : s.TaskLabel));

    private static bool SameCode(CodedConcept a, CodedConcept? b) =>
        b is not null && string.Equals(a.Code, b.Code, StringComparison.Ordinal) && string.Equals(a.Scheme, b.Scheme, StringComparison.Ordinal);

    private static bool SameLaterality(CodedConcept? a, CodedConcept? b) => a is null ? b is null : SameCode(a, b);
}
