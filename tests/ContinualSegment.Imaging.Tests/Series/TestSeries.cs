using System.Globalization;
using System.Runtime.InteropServices;
using ContinualSegment.Dicom;

namespace ContinualSegment.Imaging.Tests.Series;

/// <summary>Writes CT series for the tests: copies of pydicom's CT_small.dcm, or small synthetic images.</summary>
internal static class TestSeries
{
    public const string CtSmall = "/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm";

    public const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";

    public static readonly DicomTag ImagePositionPatient = new(0x0020, 0x0032);
    public static readonly DicomTag ImageOrientationPatient = new(0x0020, 0x0037);
    public static readonly DicomTag InstanceNumber = new(0x0020, 0x0013);
    public static readonly DicomTag SliceLocation = new(0x0020, 0x1041);
    public static readonly DicomTag PixelSpacing = new(0x0028, 0x0030);
    public static readonly DicomTag RescaleIntercept = new(0x0028, 0x1052);
    public static readonly DicomTag RescaleSlope = new(0x0028, 0x1053);
    public static readonly DicomTag FrameOfReferenceUid = new(0x0020, 0x0052);

    /// <summary>One slice to write: position, file name, instance number and an offset added to every stored value.</summary>
    public sealed record Slice(Vec3 Position, string FileName, int InstanceNumber, short ValueOffset);

    /// <summary>
    /// Writes copies of CT_small.dcm (128×128, 0.661468 mm pixels) with the given positions; each copy's stored values
    /// are CT_small's plus the slice's offset. Returns the file paths in the order given.
    /// </summary>
    public static List<string> WriteCtSmallCopies(string directory, IReadOnlyList<Slice> slices, double[]? orientation = null, string? seriesUid = null)
    {
        DicomDataset template = DicomFile.Open(CtSmall).Dataset;
        var paths = new List<string>();
        foreach (Slice s in slices)
        {
            DicomDataset ds = template.Clone();
            ds.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, DicomUid.Generate());
            if (seriesUid is not null)
            {
                ds.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, seriesUid);
            }

            ds.AddOrUpdate(ImagePositionPatient, DicomVR.DS, Ds(s.Position.X), Ds(s.Position.Y), Ds(s.Position.Z));
            if (orientation is not null)
            {
                ds.AddOrUpdate(ImageOrientationPatient, DicomVR.DS, [.. orientation.Select(Ds)]);
            }

            ds.AddOrUpdate(InstanceNumber, DicomVR.IS, s.InstanceNumber.ToString(CultureInfo.InvariantCulture));
            ds.Remove(SliceLocation);
            short[] pixels = ds.GetElement(DicomTags.PixelData).GetValues<short>();
            for (int i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (short)(pixels[i] + s.ValueOffset);
            }

            ds.AddOrUpdate(new DicomElement(DicomTags.PixelData, DicomVR.OW, MemoryMarshal.AsBytes(pixels.AsSpan()).ToArray()));
            string path = Path.Combine(directory, s.FileName);
            new DicomFile(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(path);
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>Stored CT_small values (rows × columns, row-major) plus rescale intercept, i.e. HU.</summary>
    public static float[] CtSmallHu()
    {
        DicomDataset ds = DicomFile.Open(CtSmall).Dataset;
        short[] pixels = ds.GetElement(DicomTags.PixelData).GetValues<short>();
        double slope = ds.GetDouble(RescaleSlope), intercept = ds.GetDouble(RescaleIntercept);
        return [.. pixels.Select(p => (float)((p * slope) + intercept))];
    }

    /// <summary>A small synthetic axial CT series: value of voxel (x, y, z) = 10·z + x + 100·y (stored), intercept −1024.</summary>
    public static List<string> WriteSynthetic(string directory, int columns, int rows, int slices, double spacingZ = 2.5, string? studyUid = null)
    {
        string study = studyUid ?? DicomUid.Generate();
        string series = DicomUid.Generate();
        string frame = DicomUid.Generate();
        var paths = new List<string>();
        for (int z = 0; z < slices; z++)
        {
            var ds = new DicomDataset();
            ds.AddOrUpdate(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 100");
            ds.AddOrUpdate(new DicomTag(0x0008, 0x0008), DicomVR.CS, "ORIGINAL", "PRIMARY", "AXIAL");
            ds.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, CtImageStorage);
            ds.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, DicomUid.Generate());
            ds.AddOrUpdate(new DicomTag(0x0008, 0x0020), DicomVR.DA, "20240102");
            ds.AddOrUpdate(new DicomTag(0x0008, 0x0030), DicomVR.TM, "101112");
            ds.AddOrUpdate(new DicomTag(0x0008, 0x0050), DicomVR.SH, "ACC1");
            ds.AddOrUpdate(DicomTags.Modality, DicomVR.CS, "CT");
            ds.AddOrUpdate(new DicomTag(0x0008, 0x0070), DicomVR.LO, "Synthetic");
            ds.AddOrUpdate(new DicomTag(0x0008, 0x0090), DicomVR.PN, string.Empty);
            ds.AddOrUpdate(DicomTags.PatientName, DicomVR.PN, "Müller^Anna");
            ds.AddOrUpdate(DicomTags.PatientID, DicomVR.LO, "PAT-1");
            ds.AddOrUpdate(new DicomTag(0x0010, 0x0030), DicomVR.DA, "19700101");
            ds.AddOrUpdate(new DicomTag(0x0010, 0x0040), DicomVR.CS, "F");
            ds.AddOrUpdate(new DicomTag(0x0018, 0x0050), DicomVR.DS, Ds(spacingZ));
            ds.AddOrUpdate(new DicomTag(0x0018, 0x0060), DicomVR.DS, "120");
            ds.AddOrUpdate(new DicomTag(0x0018, 0x5100), DicomVR.CS, "HFS");
            ds.AddOrUpdate(DicomTags.StudyInstanceUID, DicomVR.UI, study);
            ds.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, series);
            ds.AddOrUpdate(new DicomTag(0x0020, 0x0010), DicomVR.SH, "S1");
            ds.AddOrUpdate(new DicomTag(0x0020, 0x0011), DicomVR.IS, "3");
            ds.AddOrUpdate(InstanceNumber, DicomVR.IS, (z + 1).ToString(CultureInfo.InvariantCulture));
            ds.AddOrUpdate(new DicomTag(0x0020, 0x0020), DicomVR.CS, "L", "P");
            ds.AddOrUpdate(ImagePositionPatient, DicomVR.DS, "-20", "-15.5", Ds(-40 + (z * spacingZ)));
            ds.AddOrUpdate(ImageOrientationPatient, DicomVR.DS, "1", "0", "0", "0", "1", "0");
            ds.AddOrUpdate(FrameOfReferenceUid, DicomVR.UI, frame);
            ds.AddOrUpdate(new DicomTag(0x0020, 0x1040), DicomVR.LO, string.Empty);
            ds.AddOrUpdate<ushort>(DicomTags.SamplesPerPixel, DicomVR.US, 1);
            ds.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2");
            ds.AddOrUpdate<ushort>(DicomTags.Rows, DicomVR.US, (ushort)rows);
            ds.AddOrUpdate<ushort>(DicomTags.Columns, DicomVR.US, (ushort)columns);
            ds.AddOrUpdate(PixelSpacing, DicomVR.DS, "0.8", "0.7");
            ds.AddOrUpdate<ushort>(DicomTags.BitsAllocated, DicomVR.US, 16);
            ds.AddOrUpdate<ushort>(DicomTags.BitsStored, DicomVR.US, 16);
            ds.AddOrUpdate<ushort>(DicomTags.HighBit, DicomVR.US, 15);
            ds.AddOrUpdate<ushort>(DicomTags.PixelRepresentation, DicomVR.US, 1);
            ds.AddOrUpdate(RescaleIntercept, DicomVR.DS, "-1024");
            ds.AddOrUpdate(RescaleSlope, DicomVR.DS, "1");
            ds.AddOrUpdate(new DicomTag(0x0028, 0x1054), DicomVR.LO, "HU");
            var pixels = new short[rows * columns];
            for (int y = 0; y < rows; y++)
            {
                for (int x = 0; x < columns; x++)
                {
                    pixels[x + (columns * y)] = (short)((10 * z) + x + (100 * y));
                }
            }

            ds.AddOrUpdate(new DicomElement(DicomTags.PixelData, DicomVR.OW, MemoryMarshal.AsBytes(pixels.AsSpan()).ToArray()));
            string path = Path.Combine(directory, $"syn{z:D3}.dcm");
            new DicomFile(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(path);
            paths.Add(path);
        }

        return paths;
    }

    public static string Ds(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
