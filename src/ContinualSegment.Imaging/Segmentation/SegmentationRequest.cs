using ContinualSegment.Imaging.Series;

namespace ContinualSegment.Imaging.Segmentation;

/// <summary>Everything a DICOM Segmentation is built from.</summary>
/// <param name="Source">The source series (grid, slices, UIDs, patient and study attributes).</param>
/// <param name="Layers">Label maps on the source grid.</param>
/// <param name="Segments">The segments, numbered 1..n in this order.</param>
public sealed record SegmentationRequest(SeriesHeader Source, IReadOnlyList<Volume<ushort>> Layers, IReadOnlyList<SegmentInput> Segments)
{
    /// <summary>
    /// One segment per catalogue structure present in a label map, in label order. Values are catalogue global
    /// indices (a merged map), or the labels of <paramref name="task"/> when one is named. An organ that hosts lesions
    /// (the catalogue's overlaps column) also takes the voxels of those lesions (organ ∪ lesion), while each lesion
    /// stays its own segment.
    /// </summary>
    /// <exception cref="ArgumentException">The map holds a value the catalogue (or task) does not know.</exception>
    public static SegmentationRequest FromLabelMap(
        SeriesHeader source,
        Volume<ushort> labels,
        StructureCatalogue catalogue,
        SegmentAlgorithm algorithm,
        string? task = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(algorithm);
        var present = new bool[ushort.MaxValue + 1];
        foreach (ushort v in labels.Data)
        {
            present[v] = true;
        }

        var byLabel = new SortedDictionary<ushort, StructureInfo>();
        for (int v = 1; v <= ushort.MaxValue; v++)
        {
            if (!present[v])
            {
                continue;
            }

            try
            {
                byLabel.Add((ushort)v, task is null ? catalogue.ByGlobalIndex(v) : catalogue.ByTaskLabel(task, v));
            }
            catch (Exception e) when (e is ArgumentOutOfRangeException or KeyNotFoundException)
            {
                throw new ArgumentException($"Label map value {v} is not a structure of {(task is null ? "the catalogue" : $"task '{task}'")}.", nameof(labels), e);
            }
        }

        var segments = new List<SegmentInput>(byLabel.Count);
        foreach ((ushort value, StructureInfo structure) in byLabel)
        {
            ushort[] lesions = [.. byLabel.Where(l => l.Value.Hosts.Contains(structure.Name, StringComparer.Ordinal)).Select(static l => l.Key)];
            segments.Add(new SegmentInput(SegmentDescription.FromStructure(structure, algorithm), 0, value, lesions.Length == 0 ? null : lesions));
        }

        return new SegmentationRequest(source, [labels], segments);
    }
}
