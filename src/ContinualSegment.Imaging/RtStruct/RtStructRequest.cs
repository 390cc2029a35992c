using ContinualSegment.Dicom;

namespace ContinualSegment.Imaging.RtStruct;

/// <summary>Everything an RT Structure Set is built from.</summary>
/// <param name="Source">Patient, study and series attributes of the CT (the patient and general study modules are copied).</param>
/// <param name="Images">The CT's images in slice order (index k of the label maps).</param>
/// <param name="FrameOfReferenceUid">The CT's Frame of Reference UID.</param>
/// <param name="Layers">Label maps on the CT grid; overlapping structures live in different layers.</param>
/// <param name="Rois">The ROIs to write.</param>
public sealed record RtStructRequest(
    DicomDataset Source,
    IReadOnlyList<RtReferencedImage> Images,
    string FrameOfReferenceUid,
    IReadOnlyList<Volume<ushort>> Layers,
    IReadOnlyList<RtRoi> Rois);
