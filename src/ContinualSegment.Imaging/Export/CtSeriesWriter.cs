using System.Globalization;
using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Iod;

namespace ContinualSegment.Imaging.Export;

/// <summary>
/// Writes a HU volume as a CT Image Storage series, one Part 10 file per slice (Explicit VR LE), with
/// the geometry of its affine: Image Position (Patient) of voxel (0, 0, k), Image Orientation (Patient)
/// from the i and j axes, Pixel Spacing (row, column). Pixels are stored as signed 16-bit values with
/// Rescale Intercept −1024, as many scanners do. SOP Instance UIDs are the series UID plus the slice
/// number, so a series written twice from the same metadata is identical.
/// </summary>
public static class CtSeriesWriter
{
    /// <summary>SOP Class UID of CT Image Storage.</summary>
    public const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";

    private const double Intercept = -1024;

    /// <summary>The SOP Instance UID of slice <paramref name="k"/>.</summary>
    public static string SliceUid(CtSeriesMetadata metadata, int k)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return $"{metadata.SeriesInstanceUid}.{k + 1}";
    }

    /// <summary>Writes the series into <paramref name="directory"/> as CT000001.dcm, CT000002.dcm, … and returns the paths.</summary>
    public static Task<IReadOnlyList<string>> WriteAsync(Volume<float> hu, CtSeriesMetadata metadata, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hu);
        return WriteAsync(hu.SizeX, hu.SizeY, hu.SizeZ, hu.Geometry, i => hu.Data[i], metadata, directory, cancellationToken);
    }

    /// <summary>Writes a volume of integer HU values; see the float overload.</summary>
    public static Task<IReadOnlyList<string>> WriteAsync(Volume<short> hu, CtSeriesMetadata metadata, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hu);
        return WriteAsync(hu.SizeX, hu.SizeY, hu.SizeZ, hu.Geometry, i => hu.Data[i], metadata, directory, cancellationToken);
    }

    private static async Task<IReadOnlyList<string>> WriteAsync(
        int sizeX, int sizeY, int sizeZ, Affine3D geometry, Func<long, double> huAt, CtSeriesMetadata metadata, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Validate(sizeX, sizeY, sizeZ, geometry, metadata);
        Directory.CreateDirectory(directory);

        var patientStudy = PatientStudy(metadata, DicomTimestamp.From(metadata.StudyDateTime, fractionalSeconds: false));
        var paths = new List<string>(sizeZ);
        var sliceSize = sizeX * sizeY;
        for (var k = 0; k < sizeZ; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pixels = new short[sliceSize];
            for (var p = 0; p < sliceSize; p++)
            {
                pixels[p] = (short)Math.Clamp(Math.Round(huAt(((long)k * sliceSize) + p) - Intercept), short.MinValue, short.MaxValue);
            }

            var path = Path.Combine(directory, $"CT{k + 1:D6}.dcm");
            await new DicomFile(Slice(sizeX, sizeY, geometry, metadata, patientStudy, k, pixels)).SaveAsync(path, null, cancellationToken).ConfigureAwait(false);
            paths.Add(path);
        }

        return paths;
    }

    private static void Validate(int sizeX, int sizeY, int sizeZ, Affine3D g, CtSeriesMetadata metadata)
    {
        DicomUid.Validate(metadata.StudyInstanceUid);
        DicomUid.Validate(metadata.SeriesInstanceUid);
        DicomUid.Validate(metadata.FrameOfReferenceUid);
        DicomUid.Validate(SliceUid(metadata, sizeZ - 1));
        if (sizeX > ushort.MaxValue || sizeY > ushort.MaxValue)
        {
            throw new ArgumentException($"a {sizeX}×{sizeY} slice does not fit Rows/Columns", nameof(sizeX));
        }

        var normal = g.AxisI.Cross(g.AxisJ);
        if (Math.Abs(g.AxisI.Dot(g.AxisJ)) > 1e-6 || Math.Abs(normal.Dot(g.AxisK) - 1) > 1e-6)
        {
            throw new ArgumentException("a CT series needs orthonormal axes with slices along the row × column normal (no tilt)", nameof(g));
        }
    }

    /// <summary>The Patient and General Study attributes of every slice (with the character set their text is in).</summary>
    private static DicomDataset PatientStudy(CtSeriesMetadata m, DicomTimestamp study)
    {
        var ds = new DicomDataset();
        Put(ds, DicomTags.SpecificCharacterSet, "ISO_IR 192");
        Put(ds, DicomTags.StudyDate, study.Date);
        Put(ds, DicomTags.StudyTime, study.Time);
        Put(ds, DicomTags.AccessionNumber, m.AccessionNumber);
        Put(ds, DicomTags.ReferringPhysicianName);
        Put(ds, DicomTags.StudyDescription, m.StudyDescription);
        Put(ds, DicomTags.PatientName, m.PatientName);
        Put(ds, DicomTags.PatientID, m.PatientId);
        Put(ds, DicomTags.PatientBirthDate, m.PatientBirthDate);
        Put(ds, DicomTags.PatientSex, m.PatientSex);
        Put(ds, DicomTags.StudyInstanceUID, m.StudyInstanceUid);
        Put(ds, DicomTags.StudyID, m.StudyId);
        return ds;
    }

    private static DicomDataset Slice(int sizeX, int sizeY, Affine3D g, CtSeriesMetadata m, DicomDataset patientStudy, int k, short[] pixels)
    {
        var position = g.IndexToWorld(0, 0, k);
        var study = DicomTimestamp.From(m.StudyDateTime, fractionalSeconds: false);
        var ds = new DicomDataset();
        CommonModules.AddPatientStudy(ds, patientStudy);
        CommonModules.AddSopCommon(ds, CtImageStorage, SliceUid(m, k), study);
        CommonModules.AddGeneralSeries(ds, "CT", m.SeriesInstanceUid, m.SeriesNumber, m.SeriesDescription, study);
        CommonModules.AddEquipment(ds, m.Manufacturer, m.ManufacturerModelName);
        CommonModules.AddFrameOfReference(ds, m.FrameOfReferenceUid);
        Put(ds, DicomTags.ImageType, "ORIGINAL", "PRIMARY", "AXIAL");
        Put(ds, DicomTags.AcquisitionDate, study.Date);
        Put(ds, DicomTags.ContentDate, study.Date);
        Put(ds, DicomTags.AcquisitionTime, study.Time);
        Put(ds, DicomTags.ContentTime, study.Time);
        if (m.BodyPartExamined.Length > 0)
        {
            Put(ds, DicomTags.BodyPartExamined, m.BodyPartExamined);
        }
        else
        {
            // Laterality is Type 2C on the body part: without one, validators expect it present (empty).
            Put(ds, DicomTags.Laterality);
        }

        Put(ds, DicomTags.SliceThickness, DicomDecimalString.Format(m.SliceThickness ?? g.Spacing.Z));
        Put(ds, DicomTags.KVP, DicomDecimalString.Format(m.Kvp));
        Put(ds, DicomTags.SpacingBetweenSlices, DicomDecimalString.Format(g.Spacing.Z));
        Put(ds, DicomTags.ConvolutionKernel, m.ConvolutionKernel);
        Put(ds, DicomTags.PatientPosition, "HFS");
        Put(ds, DicomTags.AcquisitionNumber, "1");
        Put(ds, DicomTags.InstanceNumber, (k + 1).ToString(CultureInfo.InvariantCulture));
        Put(ds, DicomTags.ImagePositionPatient, PlaneText.Position(position));
        Put(ds, DicomTags.ImageOrientationPatient, PlaneText.Orientation(g));
        Put(ds, DicomTags.SliceLocation, DicomDecimalString.Format(position.Z));
        ds.AddOrUpdate(DicomElement.FromValues(DicomTags.SamplesPerPixel, DicomVR.US, (ushort)1));
        Put(ds, DicomTags.PhotometricInterpretation, "MONOCHROME2");
        ds.AddOrUpdate(DicomElement.FromValues(DicomTags.Rows, DicomVR.US, (ushort)sizeY));
        ds.AddOrUpdate(DicomElement.FromValues(DicomTags.Columns, DicomVR.US, (ushort)sizeX));
        Put(ds, DicomTags.PixelSpacing, PlaneText.PixelSpacing(g));
        ds.AddOrUpdate(DicomElement.FromValues(DicomTags.BitsAllocated, DicomVR.US, (ushort)16));
        ds.AddOrUpdate(DicomElement.FromValues(DicomTags.BitsStored, DicomVR.US, (ushort)16));
        ds.AddOrUpdate(DicomElement.FromValues(DicomTags.HighBit, DicomVR.US, (ushort)15));
        ds.AddOrUpdate(DicomElement.FromValues(DicomTags.PixelRepresentation, DicomVR.US, (ushort)1));
        Put(ds, DicomTags.WindowCenter, DicomDecimalString.Format(m.WindowCenter));
        Put(ds, DicomTags.WindowWidth, DicomDecimalString.Format(m.WindowWidth));
        Put(ds, DicomTags.RescaleIntercept, DicomDecimalString.Format(Intercept));
        Put(ds, DicomTags.RescaleSlope, "1");
        Put(ds, DicomTags.RescaleType, "HU");
        ds.AddOrUpdate(DicomElement.FromValues(DicomTags.PixelData, DicomVR.OW, pixels));
        return ds;
    }

    private static void Put(DicomDataset ds, DicomTag tag, params string[] values)
        => ds.AddOrUpdate(tag, DicomDictionary.DefaultVR(tag), values);
}
