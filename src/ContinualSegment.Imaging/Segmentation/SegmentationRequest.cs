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
        ArgumentNullException.ThrowIfNull(labels);
        return FromLabelMap(source, labels, LabelTable.FromLabelMap(labels, catalogue, task), algorithm);
    }

    /// <summary>As <see cref="FromLabelMap(SeriesHeader, Volume{ushort}, StructureCatalogue, SegmentAlgorithm, string?)"/>, with the map's label table already made.</summary>
    public static SegmentationRequest FromLabelMap(SeriesHeader source, Volume<ushort> labels, LabelTable table, SegmentAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(table);
        return FromRegions(source, RegionMap.Build(labels, table, null), table, algorithm);
    }

    /// <summary>
    /// One segment per structure of <paramref name="table"/>, each read from <paramref name="regions"/> with its own
    /// overlaps: segments may overlap (an organ and its lesion, a structure and the one nested in it).
    /// </summary>
    public static SegmentationRequest FromRegions(SeriesHeader source, RegionMap regions, LabelTable table, SegmentAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(algorithm);
        var segments = new List<SegmentInput>(table.Structures.Count);
        foreach ((ushort value, StructureInfo structure) in table.Structures)
        {
            segments.Add(new SegmentInput(SegmentDescription.FromStructure(structure, algorithm), 0, value, regions.AlsoLabels(value)));
        }

        return new SegmentationRequest(source, [regions.Map], segments);
    }
}
