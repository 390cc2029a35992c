using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Segmentation;
using ContinualSegment.Imaging.Series;
using ContinualSegment.Imaging.Tests.Series;

namespace ContinualSegment.Imaging.Tests.Segmentation;

/// <summary>Segmentations of series whose slices are not one file each: interpolated slices and multi-frame sources.</summary>
public sealed class SegmentationSourceTests
{
    private static readonly SegmentDescription Spleen =
        SegmentDescription.FromStructure(StructureCatalogue.LoadDefault()["spleen"], new SegmentAlgorithm("ContinualSegment", "1"));

    private static Volume<ushort> Cube(SeriesHeader h)
    {
        var map = new Volume<ushort>(h.SizeX, h.SizeY, h.SizeZ, h.Geometry);
        for (int z = 0; z < h.SizeZ; z++)
        {
            for (int y = 2; y < 7; y++)
            {
                for (int x = 3; x < 9; x++)
                {
                    map[x, y, z] = 1;
                }
            }
        }

        return map;
    }

    [Fact]
    public void Interpolated_slices_get_frames_without_a_source_image_and_still_validate()
    {
        using var tmp = new TempDirectory();
        List<string> files = TestSeries.WriteSynthetic(tmp.Path, 13, 11, 5);
        File.Delete(files[2]);
        SeriesHeader h = Assert.Single(SeriesLoader.LoadHeadersFromDirectory(tmp.Path, new SeriesLoadOptions { NonUniformSpacing = GeometryPolicy.Resample }));
        Assert.Null(h.Slices[2].Source);
        string path = tmp.File("seg.dcm");
        SegmentationWriter.BuildFile(new SegmentationRequest(h, [Cube(h)], [new SegmentInput(Spleen, 0, 1)])).Save(path);

        (_, string output) = ExternalTool.RunUnchecked("dciodvfy", path);
        Assert.True(!output.Contains("Error", StringComparison.Ordinal), output);
        DicomDataset ds = DicomFile.Open(path).Dataset;
        var frames = ds.GetSequence(new DicomTag(0x5200, 0x9230)).Items;
        Assert.Equal(5, frames.Count);
        Assert.Empty(frames[2].GetSequence(new DicomTag(0x0008, 0x9124)).Items);
        Assert.Single(frames[3].GetSequence(new DicomTag(0x0008, 0x9124)).Items);
        // Common Instance Reference lists the four real images.
        DicomDataset series = ds.GetSequence(new DicomTag(0x0008, 0x1115)).Items[0];
        Assert.Equal(4, series.GetSequence(new DicomTag(0x0008, 0x114A)).Items.Count);
        Assert.Equal(Cube(h).Data, SegmentationReader.Read(ds, h).ToLabelMap().Data);
    }

    [Fact]
    public void A_series_without_frame_of_reference_is_refused()
    {
        using var tmp = new TempDirectory();
        foreach (string f in TestSeries.WriteSynthetic(tmp.Path, 13, 11, 3))
        {
            DicomFile file = DicomFile.Open(f);
            file.Dataset.Remove(TestSeries.FrameOfReferenceUid);
            file.Save(f);
        }

        SeriesHeader h = Assert.Single(SeriesLoader.LoadHeadersFromDirectory(tmp.Path));
        var e = Assert.Throws<ArgumentException>(() => SegmentationWriter.Build(new SegmentationRequest(h, [Cube(h)], [new SegmentInput(Spleen, 0, 1)])));
        Assert.Contains("Frame of Reference", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Frames_of_a_multiframe_source_are_referenced_by_instance_and_frame_number()
    {
        using var tmp = new TempDirectory();
        string single = Directory.CreateDirectory(tmp.File("single")).FullName;
        List<string> files = TestSeries.WriteSynthetic(single, 13, 11, 4);
        string multi = Directory.CreateDirectory(tmp.File("multi")).FullName;
        string uid = EnhancedCtTests.WriteEnhanced(Path.Combine(multi, "enhanced.dcm"), files, [2, 0, 3, 1], [-1024, -1024, -1024, -1024]);
        SeriesHeader h = Assert.Single(SeriesLoader.LoadHeadersFromDirectory(multi));
        string path = tmp.File("seg.dcm");
        SegmentationWriter.BuildFile(new SegmentationRequest(h, [Cube(h)], [new SegmentInput(Spleen, 0, 1)])).Save(path);

        (_, string output) = ExternalTool.RunUnchecked("dciodvfy", path);
        Assert.True(!output.Contains("Error", StringComparison.Ordinal), output);
        DicomDataset ds = DicomFile.Open(path).Dataset;
        var frames = ds.GetSequence(new DicomTag(0x5200, 0x9230)).Items;
        int[] order = [2, 0, 3, 1];
        for (int z = 0; z < 4; z++)
        {
            DicomDataset source = frames[z].GetSequence(new DicomTag(0x0008, 0x9124)).Items[0].GetSequence(new DicomTag(0x0008, 0x2112)).Items[0];
            Assert.Equal(uid, source.GetString(new DicomTag(0x0008, 0x1155)));
            Assert.Equal(Array.IndexOf(order, z) + 1, source.GetInt32(new DicomTag(0x0008, 0x1160)));
        }

        Assert.Single(ds.GetSequence(new DicomTag(0x0008, 0x1115)).Items[0].GetSequence(new DicomTag(0x0008, 0x114A)).Items);
        Assert.Equal(Cube(h).Data, SegmentationReader.Read(ds, h).ToLabelMap().Data);
    }

    [Fact]
    public void A_foreign_segmentation_with_inconsistent_frame_counts_is_refused_clearly()
    {
        // pydicom's liver_1frame.dcm: one frame of pixel data, no Number of Frames, but three per-frame items.
        DicomDataset ds = DicomFile.Open("/usr/lib/python3/dist-packages/pydicom/data/test_files/liver_1frame.dcm").Dataset;
        var axial = new Affine3D(new Vec3(-235.2, -226.8, -128.69), new Vec3(1, 0, 0), new Vec3(0, 1, 0), new Vec3(0, 0, 1), new Vec3(0.810547, 0.810547, 1));
        var slices = Enumerable.Range(0, 3).Select(z => new SeriesSlice(z, axial.IndexToWorld(0, 0, z), null)).ToList();
        var header = new SeriesHeader(512, 512, 3, axial, slices, [], new DicomDataset(), "1.2.3", "1.2.3.4", "CT", string.Empty, 1, false, []);

        var e = Assert.Throws<DicomException>(() => SegmentationReader.Read(ds, header));
        Assert.Contains("3 per-frame functional groups for 1 frames", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Frames_carry_each_source_image_position_even_when_spacing_jitters_within_tolerance()
    {
        using var tmp = new TempDirectory();
        double[] z = [0, 5.02, 10, 14.99];
        var first = new Vec3(-158.135803, -179.035797, -75.699997);
        List<string> files = TestSeries.WriteCtSmallCopies(tmp.Path, [.. z.Select((dz, i) => new TestSeries.Slice(first + new Vec3(0, 0, dz), $"j{i}.dcm", i + 1, 0))]);
        SeriesHeader h = Assert.Single(SeriesLoader.LoadHeadersFromDirectory(tmp.Path));
        Assert.False(h.IsResampled);
        var map = new Volume<ushort>(h.SizeX, h.SizeY, h.SizeZ, h.Geometry);
        map.Data.AsSpan(5000, 3000).Fill(1);
        map.Data.AsSpan((3 * 128 * 128) + 100, 50).Fill(1);
        DicomDataset ds = SegmentationWriter.Build(new SegmentationRequest(h, [map], [new SegmentInput(Spleen, 0, 1)]));

        var frames = ds.GetSequence(new DicomTag(0x5200, 0x9230)).Items;
        Assert.Equal(2, frames.Count);
        double[] sourceIpp = DicomFile.Open(files[3]).Dataset.GetDoubles(TestSeries.ImagePositionPatient);
        double[] frameIpp = frames[1].GetSequence(new DicomTag(0x0020, 0x9113)).Items[0].GetDoubles(TestSeries.ImagePositionPatient);
        Assert.Equal(sourceIpp, frameIpp);
        Assert.Equal(map.Data, SegmentationReader.Read(ds, h).ToLabelMap().Data);
    }
}
