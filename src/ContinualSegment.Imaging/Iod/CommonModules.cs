using System.Globalization;
using ContinualSegment.Dicom;

namespace ContinualSegment.Imaging.Iod;

/// <summary>
/// The modules every object this node writes shares (PS3.3 C.7, C.12): Patient, General Study, General Series,
/// General Equipment, SOP Common, Frame of Reference, and references to the source images. The Segmentation,
/// the RT Structure Set and the CT series writers build these parts here, each with its own values.
/// </summary>
public static class CommonModules
{
    // Type 2 attributes of the Patient and General Study modules: present, empty when unknown.
    private static readonly DicomTag[] PatientStudyTypeTwo =
    [
        DicomTags.PatientName, DicomTags.PatientID, DicomTags.PatientBirthDate, DicomTags.PatientSex, DicomTags.StudyDate, DicomTags.StudyTime,
        DicomTags.ReferringPhysicianName, DicomTags.StudyID, DicomTags.AccessionNumber,
    ];

    /// <summary>
    /// Patient and General Study modules: copies the source's attributes (all, or the listed ones; sequences are
    /// copied item by item) and adds the type 2 attributes the source lacks, empty.
    /// </summary>
    /// <param name="target">The data set being built.</param>
    /// <param name="source">The patient and study attributes of the source series.</param>
    /// <param name="only">The attributes to copy; all of <paramref name="source"/> when null.</param>
    public static void AddPatientStudy(DicomDataset target, DicomDataset source, IReadOnlyList<DicomTag>? only = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        if (only is null)
        {
            foreach (DicomElement e in source)
            {
                target.AddOrUpdate(Copy(e));
            }
        }
        else
        {
            foreach (DicomTag tag in only)
            {
                if (source.TryGetElement(tag, out DicomElement e))
                {
                    target.AddOrUpdate(Copy(e));
                }
            }
        }

        foreach (DicomTag tag in PatientStudyTypeTwo)
        {
            if (!target.Contains(tag))
            {
                target.Add(new DicomElement(tag, DicomDictionary.DefaultVR(tag), ReadOnlyMemory<byte>.Empty));
            }
        }
    }

    /// <summary>SOP Common module: SOP Class and Instance UIDs and the instance's creation date and time.</summary>
    public static void AddSopCommon(DicomDataset target, string sopClassUid, string sopInstanceUid, DicomTimestamp created)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, sopClassUid);
        target.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, sopInstanceUid);
        target.AddOrUpdate(DicomTags.InstanceCreationDate, DicomVR.DA, created.Date);
        target.AddOrUpdate(DicomTags.InstanceCreationTime, DicomVR.TM, created.Time);
    }

    /// <summary>General Series module.</summary>
    /// <param name="target">The data set being built.</param>
    /// <param name="modality">Modality (CS), e.g. <c>SEG</c>.</param>
    /// <param name="seriesInstanceUid">The series' UID.</param>
    /// <param name="seriesNumber">Series Number.</param>
    /// <param name="description">Series Description; left out when null (written, even empty, otherwise).</param>
    /// <param name="seriesDateTime">Series Date and Time; left out when null.</param>
    public static void AddGeneralSeries(DicomDataset target, string modality, string seriesInstanceUid, int seriesNumber, string? description, DicomTimestamp? seriesDateTime)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.AddOrUpdate(DicomTags.Modality, DicomVR.CS, modality);
        target.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, seriesInstanceUid);
        target.AddOrUpdate(DicomTags.SeriesNumber, DicomVR.IS, seriesNumber.ToString(CultureInfo.InvariantCulture));
        if (seriesDateTime is { } when)
        {
            target.AddOrUpdate(DicomTags.SeriesDate, DicomVR.DA, when.Date);
            target.AddOrUpdate(DicomTags.SeriesTime, DicomVR.TM, when.Time);
        }

        if (description is not null)
        {
            target.AddOrUpdate(DicomTags.SeriesDescription, DicomVR.LO, description);
        }
    }

    /// <summary>General Equipment module; the optional attributes are left out when null.</summary>
    public static void AddEquipment(DicomDataset target, string manufacturer, string modelName, string? deviceSerialNumber = null, string? softwareVersions = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.AddOrUpdate(DicomTags.Manufacturer, DicomVR.LO, manufacturer);
        target.AddOrUpdate(DicomTags.ManufacturerModelName, DicomVR.LO, modelName);
        if (deviceSerialNumber is not null)
        {
            target.AddOrUpdate(DicomTags.DeviceSerialNumber, DicomVR.LO, deviceSerialNumber);
        }

        if (softwareVersions is not null)
        {
            target.AddOrUpdate(DicomTags.SoftwareVersions, DicomVR.LO, softwareVersions);
        }
    }

    /// <summary>Frame of Reference module (Position Reference Indicator is type 2: empty when unknown).</summary>
    public static void AddFrameOfReference(DicomDataset target, string frameOfReferenceUid, string positionReferenceIndicator = "")
    {
        ArgumentNullException.ThrowIfNull(target);
        target.AddOrUpdate(DicomTags.FrameOfReferenceUID, DicomVR.UI, frameOfReferenceUid);
        target.AddOrUpdate(DicomTags.PositionReferenceIndicator, DicomVR.LO, positionReferenceIndicator);
    }

    /// <summary>An image reference item: Referenced SOP Class and Instance UIDs, and the frames when given.</summary>
    public static DicomDataset ImageReference(string sopClassUid, string sopInstanceUid, IReadOnlyCollection<int>? frames = null)
    {
        var item = new DicomDataset(
            DicomElement.FromStrings(DicomTags.ReferencedSOPClassUID, DicomVR.UI, sopClassUid),
            DicomElement.FromStrings(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, sopInstanceUid));
        if (frames is { Count: > 0 })
        {
            item.Add(DicomElement.FromStrings(DicomTags.ReferencedFrameNumber, DicomVR.IS, [.. frames.Select(static f => f.ToString(CultureInfo.InvariantCulture))]));
        }

        return item;
    }

    /// <summary>
    /// Referenced Series Sequence of the Common Instance Reference module: one series item listing its instances
    /// (each once, in the order given).
    /// </summary>
    public static DicomSequence ReferencedSeries(string seriesInstanceUid, IEnumerable<(string SopClassUid, string SopInstanceUid)> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        var items = instances
            .DistinctBy(static r => r.SopInstanceUid, StringComparer.Ordinal)
            .Select(static r => ImageReference(r.SopClassUid, r.SopInstanceUid));
        return new DicomSequence(DicomTags.ReferencedSeriesSequence, new DicomDataset(
            new DicomSequence(DicomTags.ReferencedInstanceSequence, items),
            DicomElement.FromStrings(DicomTags.SeriesInstanceUID, DicomVR.UI, seriesInstanceUid)));
    }

    private static DicomElement Copy(DicomElement e) =>
        e is DicomSequence sq ? new DicomSequence(sq.Tag, sq.Items.Select(static i => i.Clone())) : e;
}
