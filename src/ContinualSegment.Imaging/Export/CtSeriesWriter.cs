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
        Put(ds, "SpecificCharacterSet", "ISO_IR 192");
        Put(ds, "ImageType", "ORIGINAL", "PRIMARY", "AXIAL");
        Put(ds, "InstanceCreationDate", date);
        Put(ds, "InstanceCreationTime", time);
        Put(ds, "SOPClassUID", CtImageStorage);
        Put(ds, "SOPInstanceUID", SliceUid(m, k));
        Put(ds, "StudyDate", date);
        Put(ds, "SeriesDate", date);
        Put(ds, "AcquisitionDate", date);
        Put(ds, "ContentDate", date);
        Put(ds, "StudyTime", time);
        Put(ds, "SeriesTime", time);
        Put(ds, "AcquisitionTime", time);
        Put(ds, "ContentTime", time);
        Put(ds, "AccessionNumber", m.AccessionNumber);
        Put(ds, "Modality", "CT");
        Put(ds, "Manufacturer", m.Manufacturer);
        Put(ds, "ReferringPhysicianName");
        Put(ds, "StudyDescription", m.StudyDescription);
        Put(ds, "SeriesDescription", m.SeriesDescription);
        Put(ds, "ManufacturerModelName", m.ManufacturerModelName);
        Put(ds, "PatientName", m.PatientName);
        Put(ds, "PatientID", m.PatientId);
        Put(ds, "PatientBirthDate", m.PatientBirthDate);
        Put(ds, "PatientSex", m.PatientSex);
        if (m.BodyPartExamined.Length > 0)
        {
            Put(ds, "BodyPartExamined", m.BodyPartExamined);
        }
        else
        {
            // Laterality is Type 2C on the body part: without one, validators expect it present (empty).
            Put(ds, "Laterality");
        }

        Put(ds, "SliceThickness", Ds(m.SliceThickness ?? g.Spacing.Z));
        Put(ds, "KVP", Ds(m.Kvp));
        Put(ds, "SpacingBetweenSlices", Ds(g.Spacing.Z));
        Put(ds, "ConvolutionKernel", m.ConvolutionKernel);
        Put(ds, "PatientPosition", "HFS");
        Put(ds, "StudyInstanceUID", m.StudyInstanceUid);
        Put(ds, "SeriesInstanceUID", m.SeriesInstanceUid);
        Put(ds, "StudyID", m.StudyId);
        Put(ds, "SeriesNumber", m.SeriesNumber.ToString(CultureInfo.InvariantCulture));
        Put(ds, "AcquisitionNumber", "1");
        Put(ds, "InstanceNumber", (k + 1).ToString(CultureInfo.InvariantCulture));
        Put(ds, "ImagePositionPatient", Ds(position.X), Ds(position.Y), Ds(position.Z));
        Put(ds, "ImageOrientationPatient", Ds(g.AxisI.X), Ds(g.AxisI.Y), Ds(g.AxisI.Z), Ds(g.AxisJ.X), Ds(g.AxisJ.Y), Ds(g.AxisJ.Z));
        Put(ds, "FrameOfReferenceUID", m.FrameOfReferenceUid);
        Put(ds, "PositionReferenceIndicator");
        Put(ds, "SliceLocation", Ds(position.Z));
        ds.AddOrUpdate(DicomElement.FromValues(Tag("SamplesPerPixel"), DicomVR.US, (ushort)1));
        Put(ds, "PhotometricInterpretation", "MONOCHROME2");
        ds.AddOrUpdate(DicomElement.FromValues(Tag("Rows"), DicomVR.US, (ushort)sizeY));
        ds.AddOrUpdate(DicomElement.FromValues(Tag("Columns"), DicomVR.US, (ushort)sizeX));
        Put(ds, "PixelSpacing", Ds(g.Spacing.Y), Ds(g.Spacing.X));
        ds.AddOrUpdate(DicomElement.FromValues(Tag("BitsAllocated"), DicomVR.US, (ushort)16));
        ds.AddOrUpdate(DicomElement.FromValues(Tag("BitsStored"), DicomVR.US, (ushort)16));
        ds.AddOrUpdate(DicomElement.FromValues(Tag("HighBit"), DicomVR.US, (ushort)15));
        ds.AddOrUpdate(DicomElement.FromValues(Tag("PixelRepresentation"), DicomVR.US, (ushort)1));
        Put(ds, "WindowCenter", Ds(m.WindowCenter));
        Put(ds, "WindowWidth", Ds(m.WindowWidth));
        Put(ds, "RescaleIntercept", Ds(Intercept));
        Put(ds, "RescaleSlope", "1");
        Put(ds, "RescaleType", "HU");
        ds.AddOrUpdate(DicomElement.FromValues(DicomTag.PixelData, DicomVR.OW, pixels));
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

    private static DicomTag Tag(string keyword) => DicomDictionary.TagOf(keyword);

    private static void Put(DicomDataset ds, string keyword, params string[] values)
    {
        var tag = Tag(keyword);
        ds.AddOrUpdate(tag, DicomDictionary.DefaultVR(tag), values);
    }
}
