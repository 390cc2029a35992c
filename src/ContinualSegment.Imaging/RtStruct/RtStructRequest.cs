using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Series;

namespace ContinualSegment.Imaging.RtStruct;

/// <summary>Everything an RT Structure Set is built from.</summary>
/// <param name="Source">Patient, study and series attributes of the CT (the patient and general study modules are copied).</param>
/// <param name="Images">
/// The CT's images in slice order (index k of the label maps); null for a slice that no image holds (an interpolated
/// slice of a resampled series), whose contours then carry no Contour Image Sequence.
/// </param>
/// <param name="FrameOfReferenceUid">The CT's Frame of Reference UID.</param>
/// <param name="Layers">Label maps on the CT grid; overlapping structures live in different layers.</param>
/// <param name="Rois">The ROIs to write.</param>
public sealed record RtStructRequest(
    DicomDataset Source,
    IReadOnlyList<RtReferencedImage?> Images,
    string FrameOfReferenceUid,
    IReadOnlyList<Volume<ushort>> Layers,
    IReadOnlyList<RtRoi> Rois)
{
    /// <summary>
    /// One ROI per structure present in a label map on the series' grid: TG-263 names where the catalogue has
    /// one, catalogue colours and codes, GTV for lesions, and each organ's ROI covering its lesions too.
    /// </summary>
    /// <param name="source">The CT series the label map belongs to.</param>
    /// <param name="labels">The label map on the series' grid.</param>
    /// <param name="catalogue">The structure catalogue.</param>
    /// <param name="task">The task whose local labels the map holds; null for catalogue indices.</param>
    public static RtStructRequest FromLabelMap(SeriesHeader source, Volume<ushort> labels, StructureCatalogue catalogue, string? task = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return FromLabelMap(source, labels, LabelTable.FromLabelMap(labels, catalogue, task));
    }

    /// <summary>As <see cref="FromLabelMap(SeriesHeader, Volume{ushort}, StructureCatalogue, string?)"/>, with the map's label table already made.</summary>
    public static RtStructRequest FromLabelMap(SeriesHeader source, Volume<ushort> labels, LabelTable table)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(table);
        return FromRegions(source, RegionMap.Build(labels, table, null), table);
    }

    /// <summary>
    /// One ROI per structure of <paramref name="table"/>, each contoured from its own mask in <paramref name="regions"/>
    /// (overlaps included: an organ's contours enclose its lesion, the brain's the brainstem).
    /// </summary>
    public static RtStructRequest FromRegions(SeriesHeader source, RegionMap regions, LabelTable table)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(table);
        var attributes = source.PatientStudyAttributes.Clone();
        attributes.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, source.SeriesInstanceUid);
        var rois = table.Structures.Select((entry, index) =>
        {
            var (value, structure) = (entry.Key, entry.Value);
            var also = regions.AlsoLabels(value);
            return new RtRoi(
                index + 1,
                structure.Tg263Name is { Length: > 0 } tg263 ? tg263 : structure.Name,
                structure.Color,
                structure.IsLesion ? "GTV" : "ORGAN",
                0,
                value,
                structure.Type,
                structure.DisplayName,
                also);
        }).ToList();
        var images = source.Slices
            .Select(static s => s.Source is { } i ? new RtReferencedImage(i.SopClassUid, i.SopInstanceUid, i.FrameNumber) : null)
            .ToList();
        return new RtStructRequest(attributes, images, source.FrameOfReferenceUid, [regions.Map], rois);
    }
}
