using System.Globalization;
using ContinualSegment.Dicom;

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
            await new DicomFile(Slice(sizeX, sizeY, geometry, metadata, k, pixels)).SaveAsync(path, null, cancellationToken).ConfigureAwait(false);
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

        var normal = Cross(g.AxisI, g.AxisJ);
        if (Math.Abs(Dot(g.AxisI, g.AxisJ)) > 1e-6 || Math.Abs(Dot(normal, g.AxisK) - 1) > 1e-6)
        {
            throw new ArgumentException("a CT series needs orthonormal axes with slices along the row × column normal (no tilt)", nameof(g));
        }
    }

    private static DicomDataset Slice(int sizeX, int sizeY, Affine3D g, CtSeriesMetadata m, int k, short[] pixels)
    {
        var position = g.IndexToWorld(0, 0, k);
        var date = m.StudyDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var time = m.StudyDateTime.ToString("HHmmss", CultureInfo.InvariantCulture);
        var ds = new DicomDataset();
        Put(ds, DicomTags.SpecificCharacterSet, "ISO_IR 192");
        Put(ds, DicomTags.ImageType, "ORIGINAL", "PRIMARY", "AXIAL");
        Put(ds, DicomTags.InstanceCreationDate, date);
        Put(ds, DicomTags.InstanceCreationTime, time);
        Put(ds, DicomTags.SOPClassUID, CtImageStorage);
        Put(ds, DicomTags.SOPInstanceUID, SliceUid(m, k));
        Put(ds, DicomTags.StudyDate, date);
        Put(ds, DicomTags.SeriesDate, date);
        Put(ds, DicomTags.AcquisitionDate, date);
        Put(ds, DicomTags.ContentDate, date);
        Put(ds, DicomTags.StudyTime, time);
        Put(ds, DicomTags.SeriesTime, time);
        Put(ds, DicomTags.AcquisitionTime, time);
        Put(ds, DicomTags.ContentTime, time);
        Put(ds, DicomTags.AccessionNumber, m.AccessionNumber);
        Put(ds, DicomTags.Modality, "CT");
        Put(ds, DicomTags.Manufacturer, m.Manufacturer);
        Put(ds, DicomTags.ReferringPhysicianName);
        Put(ds, DicomTags.StudyDescription, m.StudyDescription);
        Put(ds, DicomTags.SeriesDescription, m.SeriesDescription);
        Put(ds, DicomTags.ManufacturerModelName, m.ManufacturerModelName);
        Put(ds, DicomTags.PatientName, m.PatientName);
        Put(ds, DicomTags.PatientID, m.PatientId);
        Put(ds, DicomTags.PatientBirthDate, m.PatientBirthDate);
        Put(ds, DicomTags.PatientSex, m.PatientSex);
        if (m.BodyPartExamined.Length > 0)
        {
            Put(ds, DicomTags.BodyPartExamined, m.BodyPartExamined);
        }
        else
        {
            // Laterality is Type 2C on the body part: without one, validators expect it present (empty).
            Put(ds, DicomTags.Laterality);
        }

        Put(ds, DicomTags.SliceThickness, Ds(m.SliceThickness ?? g.Spacing.Z));
        Put(ds, DicomTags.KVP, Ds(m.Kvp));
        Put(ds, DicomTags.SpacingBetweenSlices, Ds(g.Spacing.Z));
        Put(ds, DicomTags.ConvolutionKernel, m.ConvolutionKernel);
        Put(ds, DicomTags.PatientPosition, "HFS");
        Put(ds, DicomTags.StudyInstanceUID, m.StudyInstanceUid);
        Put(ds, DicomTags.SeriesInstanceUID, m.SeriesInstanceUid);
        Put(ds, DicomTags.StudyID, m.StudyId);
        Put(ds, DicomTags.SeriesNumber, m.SeriesNumber.ToString(CultureInfo.InvariantCulture));
        Put(ds, DicomTags.AcquisitionNumber, "1");
        Put(ds, DicomTags.InstanceNumber, (k + 1).ToString(CultureInfo.InvariantCulture));
        Put(ds, DicomTags.ImagePositionPatient, Ds(position.X), Ds(position.Y), Ds(position.Z));
        Put(ds, DicomTags.ImageOrientationPatient, Ds(g.AxisI.X), Ds(g.AxisI.Y), Ds(g.AxisI.Z), Ds(g.AxisJ.X), Ds(g.AxisJ.Y), Ds(g.AxisJ.Z));
        Put(ds, DicomTags.FrameOfReferenceUID, m.FrameOfReferenceUid);
        Put(ds, DicomTags.PositionReferenceIndicator);
        Put(ds, DicomTags.SliceLocation, Ds(position.Z));
        ds.AddOrUpdate(DicomElement.FromValues(DicomTags.SamplesPerPixel, DicomVR.US, (ushort)1));
        Put(ds, DicomTags.PhotometricInterpretation, "MONOCHROME2");
        ds.AddOrUpdate(DicomElement.FromValues(DicomTags.Rows, DicomVR.US, (ushort)sizeY));
        ds.AddOrUpdate(DicomElement.FromValues(DicomTags.Columns, DicomVR.US, (ushort)sizeX));
        Put(ds, DicomTags.PixelSpacing, Ds(g.Spacing.Y), Ds(g.Spacing.X));
        ds.AddOrUpdate(DicomElement.FromValues(DicomTags.BitsAllocated, DicomVR.US, (ushort)16));
        ds.AddOrUpdate(DicomElement.FromValues(DicomTags.BitsStored, DicomVR.US, (ushort)16));
        ds.AddOrUpdate(DicomElement.FromValues(DicomTags.HighBit, DicomVR.US, (ushort)15));
        ds.AddOrUpdate(DicomElement.FromValues(DicomTags.PixelRepresentation, DicomVR.US, (ushort)1));
        Put(ds, DicomTags.WindowCenter, Ds(m.WindowCenter));
        Put(ds, DicomTags.WindowWidth, Ds(m.WindowWidth));
        Put(ds, DicomTags.RescaleIntercept, Ds(Intercept));
        Put(ds, DicomTags.RescaleSlope, "1");
        Put(ds, DicomTags.RescaleType, "HU");
        ds.AddOrUpdate(DicomElement.FromValues(DicomTags.PixelData, DicomVR.OW, pixels));
        return ds;
    }

    private static string Ds(double value)
    {
        // DS holds at most 16 characters; patient coordinates and spacings fit with 6 decimals trimmed.
        var text = Math.Round(value, 6).ToString("0.######", CultureInfo.InvariantCulture);
        if (text.Length > 16)
        {
            text = Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
        }

        return text == "-0" ? "0" : text;
    }

    private static Vec3 Cross(Vec3 a, Vec3 b) => new((a.Y * b.Z) - (a.Z * b.Y), (a.Z * b.X) - (a.X * b.Z), (a.X * b.Y) - (a.Y * b.X));

    private static double Dot(Vec3 a, Vec3 b) => (a.X * b.X) + (a.Y * b.Y) + (a.Z * b.Z);

    private static void Put(DicomDataset ds, DicomTag tag, params string[] values)
        => ds.AddOrUpdate(tag, DicomDictionary.DefaultVR(tag), values);
}
