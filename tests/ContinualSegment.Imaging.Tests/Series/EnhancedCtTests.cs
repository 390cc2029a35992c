using System.Globalization;
using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Series;

namespace ContinualSegment.Imaging.Tests.Series;

public sealed class EnhancedCtTests
{
    private static DicomDataset Item(params DicomElement[] elements) => new(elements);

    private static DicomElement Ds(DicomTag tag, params double[] values) =>
        DicomElement.FromStrings(tag, DicomVR.DS, [.. values.Select(TestSeries.Ds)]);

    /// <summary>Builds one Enhanced CT instance from the frames of a single-frame series, in the given frame order, with per-frame rescale.</summary>
    internal static string WriteEnhanced(string path, IReadOnlyList<string> singleFrameFiles, int[] order, double[] intercepts)
    {
        var frames = singleFrameFiles.Select(f => DicomFile.Open(f).Dataset).ToList();
        DicomDataset first = frames[0];
        var ds = new DicomDataset();
        foreach (DicomTag tag in new[] { DicomTags.SpecificCharacterSet, DicomTags.PatientName, DicomTags.PatientID, DicomTags.StudyInstanceUID, DicomTags.SeriesInstanceUID, TestSeries.FrameOfReferenceUid, DicomTags.Modality, DicomTags.Rows, DicomTags.Columns, DicomTags.BitsAllocated, DicomTags.BitsStored, DicomTags.HighBit, DicomTags.PixelRepresentation, DicomTags.SamplesPerPixel, DicomTags.PhotometricInterpretation })
        {
            ds.AddOrUpdate(first.GetElement(tag));
        }

        ds.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.2.1");
        ds.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, DicomUid.Generate());
        ds.AddOrUpdate(DicomTags.NumberOfFrames, DicomVR.IS, order.Length.ToString(CultureInfo.InvariantCulture));
        ds.AddOrUpdate(new DicomSequence(new DicomTag(0x5200, 0x9229), Item(
            new DicomSequence(new DicomTag(0x0020, 0x9116), Item(first.GetElement(TestSeries.ImageOrientationPatient))),
            new DicomSequence(new DicomTag(0x0028, 0x9110), Item(first.GetElement(TestSeries.PixelSpacing), first.GetElement(new DicomTag(0x0018, 0x0050)))))));
        var perFrame = new List<DicomDataset>();
        var pixels = new List<byte>();
        foreach (int i in order)
        {
            DicomDataset f = frames[i];
            perFrame.Add(Item(
                new DicomSequence(new DicomTag(0x0020, 0x9113), Item(f.GetElement(TestSeries.ImagePositionPatient))),
                new DicomSequence(new DicomTag(0x0028, 0x9145), Item(Ds(TestSeries.RescaleIntercept, intercepts[i]), Ds(TestSeries.RescaleSlope, 1), DicomElement.FromStrings(new DicomTag(0x0028, 0x1054), DicomVR.LO, "HU")))));
            pixels.AddRange(f.GetElement(DicomTags.PixelData).Value.ToArray());
        }

        ds.AddOrUpdate(new DicomSequence(new DicomTag(0x5200, 0x9230), perFrame));
        ds.AddOrUpdate(new DicomElement(DicomTags.PixelData, DicomVR.OW, pixels.ToArray()));
        new DicomFile(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(path);
        return ds.GetString(DicomTags.SOPInstanceUID);
    }

    [Fact]
    public void Enhanced_multiframe_ct_loads_frames_in_position_order_with_per_frame_rescale()
    {
        using var tmp = new TempDirectory();
        string single = Directory.CreateDirectory(tmp.File("single")).FullName;
        List<string> files = TestSeries.WriteSynthetic(single, 13, 11, 5);
        string multi = Directory.CreateDirectory(tmp.File("multi")).FullName;
        double[] intercepts = [-1024, -1000, -1024, -900, -1024];
        string uid = WriteEnhanced(Path.Combine(multi, "enhanced.dcm"), files, [3, 1, 4, 0, 2], intercepts);

        LoadedSeries reference = Assert.Single(SeriesLoader.LoadDirectory(single));
        LoadedSeries enhanced = Assert.Single(SeriesLoader.LoadDirectory(multi));

        Assert.Equal(reference.Geometry, enhanced.Geometry);
        for (int z = 0; z < 5; z++)
        {
            Assert.Equal(uid, enhanced.Header.Slices[z].Source!.SopInstanceUid);
            // Slice z came from frame position of z in the order [3, 1, 4, 0, 2] (1-based).
            Assert.Equal(Array.IndexOf([3, 1, 4, 0, 2], z) + 1, enhanced.Header.Slices[z].Source!.FrameNumber);
            for (int y = 0; y < 11; y++)
            {
                for (int x = 0; x < 13; x++)
                {
                    Assert.Equal(reference.Volume[x, y, z] + (float)(intercepts[z] + 1024), enhanced.Volume[x, y, z]);
                }
            }
        }
    }
}
