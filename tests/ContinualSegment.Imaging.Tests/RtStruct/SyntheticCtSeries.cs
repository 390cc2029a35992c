using System.Globalization;
using ContinualSegment.Dicom;

namespace ContinualSegment.Imaging.Tests.RtStruct;

/// <summary>Writes a small, valid CT Image series (one file per slice) for tests that need one on disk.</summary>
internal sealed class SyntheticCtSeries
{
    public const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";

    public SyntheticCtSeries(int sizeX, int sizeY, int sizeZ, Affine3D geometry)
    {
        SizeX = sizeX;
        SizeY = sizeY;
        SizeZ = sizeZ;
        Geometry = geometry;
        SopInstanceUids = Enumerable.Range(0, sizeZ).Select(_ => DicomUid.Generate()).ToArray();
    }

    public int SizeX { get; }

    public int SizeY { get; }

    public int SizeZ { get; }

    public Affine3D Geometry { get; }

    public string StudyInstanceUid { get; } = DicomUid.Generate();

    public string SeriesInstanceUid { get; } = DicomUid.Generate();

    public string FrameOfReferenceUid { get; } = DicomUid.Generate();

    public IReadOnlyList<string> SopInstanceUids { get; }

    /// <summary>The patient, study and series attributes a result copies.</summary>
    public DicomDataset SourceAttributes()
    {
        var ds = new DicomDataset();
        Put(ds, "PatientName", "Phantom^Test");
        Put(ds, "PatientID", "CSEG-TEST-1");
        Put(ds, "PatientBirthDate", "19700101");
        Put(ds, "PatientSex", "O");
        Put(ds, "StudyInstanceUID", StudyInstanceUid);
        Put(ds, "StudyDate", "20260101");
        Put(ds, "StudyTime", "120000");
        Put(ds, "ReferringPhysicianName", string.Empty);
        Put(ds, "StudyID", "1");
        Put(ds, "AccessionNumber", "A1");
        Put(ds, "SeriesInstanceUID", SeriesInstanceUid);
        return ds;
    }

    /// <summary>Writes the slices (HU given by <paramref name="hu"/>, x fastest) as CT_0000.dcm … into <paramref name="directory"/>.</summary>
    public void Write(string directory, Func<int, int, int, short> hu)
    {
        Directory.CreateDirectory(directory);
        for (var k = 0; k < SizeZ; k++)
        {
            var ds = SourceAttributes();
            var position = Geometry.IndexToWorld(0, 0, k);
            Put(ds, "SOPClassUID", CtImageStorage);
            Put(ds, "SOPInstanceUID", SopInstanceUids[k]);
            Put(ds, "ImageType", "ORIGINAL", "PRIMARY", "AXIAL");
            Put(ds, "Modality", "CT");
            Put(ds, "Manufacturer", "ContinualSegment");
            Put(ds, "SeriesNumber", "1");
            Put(ds, "InstanceNumber", (k + 1).ToString(CultureInfo.InvariantCulture));
            Put(ds, "FrameOfReferenceUID", FrameOfReferenceUid);
            Put(ds, "PositionReferenceIndicator", string.Empty);
            Put(ds, "ImagePositionPatient", Ds(position.X), Ds(position.Y), Ds(position.Z));
            Put(ds, "ImageOrientationPatient", Ds(Geometry.AxisI.X), Ds(Geometry.AxisI.Y), Ds(Geometry.AxisI.Z), Ds(Geometry.AxisJ.X), Ds(Geometry.AxisJ.Y), Ds(Geometry.AxisJ.Z));
            Put(ds, "PixelSpacing", Ds(Geometry.Spacing.Y), Ds(Geometry.Spacing.X));
            Put(ds, "SliceThickness", Ds(Geometry.Spacing.Z));
            Put(ds, "KVP", "120");
            ds.AddOrUpdate(DicomElement.FromValues(Tag("SamplesPerPixel"), DicomVR.US, (ushort)1));
            Put(ds, "PhotometricInterpretation", "MONOCHROME2");
            Put(ds, "RescaleIntercept", "0");
            Put(ds, "RescaleSlope", "1");
            Put(ds, "RescaleType", "HU");
            Put(ds, "AcquisitionNumber", "1");
            ds.AddOrUpdate(DicomElement.FromValues(Tag("Rows"), DicomVR.US, (ushort)SizeY));
            ds.AddOrUpdate(DicomElement.FromValues(Tag("Columns"), DicomVR.US, (ushort)SizeX));
            ds.AddOrUpdate(DicomElement.FromValues(Tag("BitsAllocated"), DicomVR.US, (ushort)16));
            ds.AddOrUpdate(DicomElement.FromValues(Tag("BitsStored"), DicomVR.US, (ushort)16));
            ds.AddOrUpdate(DicomElement.FromValues(Tag("HighBit"), DicomVR.US, (ushort)15));
            ds.AddOrUpdate(DicomElement.FromValues(Tag("PixelRepresentation"), DicomVR.US, (ushort)1));
            var pixels = new short[SizeX * SizeY];
            for (var j = 0; j < SizeY; j++)
            {
                for (var i = 0; i < SizeX; i++)
                {
                    pixels[(j * SizeX) + i] = hu(i, j, k);
                }
            }

            ds.AddOrUpdate(DicomElement.FromValues(Tag("PixelData"), DicomVR.OW, pixels));
            new DicomFile(ds).Save(Path.Combine(directory, $"CT_{k:D4}.dcm"));
        }
    }

    private static string Ds(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    private static DicomTag Tag(string keyword) => DicomDictionary.TagOf(keyword);

    private static void Put(DicomDataset ds, string keyword, params string[] values)
    {
        var tag = Tag(keyword);
        ds.AddOrUpdate(tag, DicomDictionary.DefaultVR(tag), values);
    }
}
