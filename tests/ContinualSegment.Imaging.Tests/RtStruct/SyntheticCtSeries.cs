using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Export;

namespace ContinualSegment.Imaging.Tests.RtStruct;

/// <summary>A small CT series for tests: its UIDs, its source attributes, and the files via <see cref="CtSeriesWriter"/>.</summary>
internal sealed class SyntheticCtSeries
{
    public SyntheticCtSeries(int sizeX, int sizeY, int sizeZ, Affine3D geometry)
    {
        SizeX = sizeX;
        SizeY = sizeY;
        SizeZ = sizeZ;
        Geometry = geometry;
        Metadata = new CtSeriesMetadata
        {
            PatientName = "Phantom^Test",
            PatientId = "CSEG-TEST-1",
            PatientBirthDate = "19700101",
            PatientSex = "O",
            StudyInstanceUid = DicomUid.Generate(),
            SeriesInstanceUid = DicomUid.Generate(),
            FrameOfReferenceUid = DicomUid.Generate(),
            AccessionNumber = "A1",
        };
        SopInstanceUids = Enumerable.Range(0, sizeZ).Select(k => CtSeriesWriter.SliceUid(Metadata, k)).ToArray();
    }

    public int SizeX { get; }

    public int SizeY { get; }

    public int SizeZ { get; }

    public Affine3D Geometry { get; }

    public CtSeriesMetadata Metadata { get; }

    public string FrameOfReferenceUid => Metadata.FrameOfReferenceUid;

    public IReadOnlyList<string> SopInstanceUids { get; }

    /// <summary>The patient, study and series attributes a result copies (as the first slice carries them).</summary>
    public DicomDataset SourceAttributes()
    {
        var ds = new DicomDataset();
        Put(ds, "PatientName", Metadata.PatientName);
        Put(ds, "PatientID", Metadata.PatientId);
        Put(ds, "PatientBirthDate", Metadata.PatientBirthDate);
        Put(ds, "PatientSex", Metadata.PatientSex);
        Put(ds, "StudyInstanceUID", Metadata.StudyInstanceUid);
        Put(ds, "StudyDate", "20260101");
        Put(ds, "StudyTime", "090000");
        Put(ds, "ReferringPhysicianName", string.Empty);
        Put(ds, "StudyID", Metadata.StudyId);
        Put(ds, "AccessionNumber", Metadata.AccessionNumber);
        Put(ds, "SeriesInstanceUID", Metadata.SeriesInstanceUid);
        return ds;
    }

    /// <summary>Writes the slices (HU given by <paramref name="hu"/>) into <paramref name="directory"/>.</summary>
    public Task WriteAsync(string directory, Func<int, int, int, short> hu)
    {
        var volume = new Volume<float>(SizeX, SizeY, SizeZ, Geometry);
        for (var k = 0; k < SizeZ; k++)
        {
            for (var j = 0; j < SizeY; j++)
            {
                for (var i = 0; i < SizeX; i++)
                {
                    volume.Data[(k * SizeY * SizeX) + (j * SizeX) + i] = hu(i, j, k);
                }
            }
        }

        return CtSeriesWriter.WriteAsync(volume, Metadata, directory, CancellationToken.None);
    }

    private static void Put(DicomDataset ds, string keyword, params string[] values)
    {
        var tag = DicomDictionary.TagOf(keyword);
        ds.AddOrUpdate(tag, DicomDictionary.DefaultVR(tag), values);
    }
}
