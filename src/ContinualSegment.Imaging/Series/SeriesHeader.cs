using ContinualSegment.Dicom;

namespace ContinualSegment.Imaging.Series;

/// <summary>
/// The geometry and identity of one image stack: grid size, voxel → LPS mapping (x = column, y = row, z = slice along
/// the sorted normal row × column), the source image of each slice and the attributes derived objects copy.
/// </summary>
public sealed class SeriesHeader
{
    /// <summary>Describes a stack; the loader builds these, tests and other sources may too.</summary>
    /// <exception cref="ArgumentException">Sizes, slices or UIDs are inconsistent.</exception>
    public SeriesHeader(
        int sizeX,
        int sizeY,
        int sizeZ,
        Affine3D geometry,
        IReadOnlyList<SeriesSlice> slices,
        IReadOnlyList<SourceImageReference> sourceImages,
        DicomDataset patientStudy,
        string seriesInstanceUid,
        string frameOfReferenceUid,
        string modality,
        string positionReferenceIndicator,
        double sliceThickness,
        bool isResampled,
        IReadOnlyList<string> issues)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(slices);
        ArgumentNullException.ThrowIfNull(sourceImages);
        ArgumentNullException.ThrowIfNull(patientStudy);
        ArgumentNullException.ThrowIfNull(seriesInstanceUid);
        ArgumentNullException.ThrowIfNull(frameOfReferenceUid);
        ArgumentNullException.ThrowIfNull(modality);
        ArgumentNullException.ThrowIfNull(positionReferenceIndicator);
        ArgumentNullException.ThrowIfNull(issues);
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeX, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeY, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeZ, 1);
        if (slices.Count != sizeZ)
        {
            throw new ArgumentException($"{slices.Count} slices given for {sizeZ} slice positions.", nameof(slices));
        }

        if (!(sliceThickness > 0) || !double.IsFinite(sliceThickness))
        {
            throw new ArgumentOutOfRangeException(nameof(sliceThickness), sliceThickness, "Slice thickness must be positive.");
        }

        SizeX = sizeX;
        SizeY = sizeY;
        SizeZ = sizeZ;
        Geometry = geometry;
        Slices = slices;
        SourceImages = sourceImages;
        PatientStudyAttributes = patientStudy;
        SeriesInstanceUid = seriesInstanceUid;
        FrameOfReferenceUid = frameOfReferenceUid;
        Modality = modality;
        PositionReferenceIndicator = positionReferenceIndicator;
        SliceThickness = sliceThickness;
        IsResampled = isResampled;
        Issues = issues;
    }

    /// <summary>Columns.</summary>
    public int SizeX { get; }

    /// <summary>Rows.</summary>
    public int SizeY { get; }

    /// <summary>Slices.</summary>
    public int SizeZ { get; }

    /// <summary>Voxel index → patient (LPS, mm).</summary>
    public Affine3D Geometry { get; }

    /// <summary>One entry per slice index z.</summary>
    public IReadOnlyList<SeriesSlice> Slices { get; }

    /// <summary>Every source image used (in slice order), for references to the whole series.</summary>
    public IReadOnlyList<SourceImageReference> SourceImages { get; }

    /// <summary>Patient and General Study module attributes (with Specific Character Set) to copy into derived objects.</summary>
    public DicomDataset PatientStudyAttributes { get; }

    public string StudyInstanceUid => PatientStudyAttributes.GetStringOrDefault(DicomTags.StudyInstanceUID);

    public string SeriesInstanceUid { get; }

    public string FrameOfReferenceUid { get; }

    public string Modality { get; }

    /// <summary>Position Reference Indicator of the source frame of reference (may be empty).</summary>
    public string PositionReferenceIndicator { get; }

    /// <summary>Nominal slice thickness in mm (the slice spacing when the source gives none).</summary>
    public double SliceThickness { get; }

    /// <summary>True when the volume was resampled (tilt or uneven spacing) and some slices have no source image.</summary>
    public bool IsResampled { get; }

    /// <summary>What was found and tolerated: skipped files, duplicates, gaps, resampling.</summary>
    public IReadOnlyList<string> Issues { get; }
}
