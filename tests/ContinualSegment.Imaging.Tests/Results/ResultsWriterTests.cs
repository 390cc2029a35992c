using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Results;
using ContinualSegment.Imaging.RtStruct;
using ContinualSegment.Imaging.Segmentation;
using ContinualSegment.Imaging.Series;
using ContinualSegment.Imaging.Tests.Series;

namespace ContinualSegment.Imaging.Tests.Results;

public sealed class ResultsWriterTests
{
    private static readonly StructureCatalogue Catalogue = StructureCatalogue.LoadDefault();

    private static Volume<ushort> Blocks(SeriesHeader h)
    {
        int liver = Catalogue["liver"].GlobalIndex, spleen = Catalogue["spleen"].GlobalIndex;
        var map = new Volume<ushort>(h.SizeX, h.SizeY, h.SizeZ, h.Geometry);
        for (int z = 1; z < h.SizeZ - 1; z++)
        {
            for (int y = 2; y < 14; y++)
            {
                for (int x = 2; x < 12; x++)
                {
                    map[x, y, z] = (ushort)liver;
                }

                for (int x = 15; x < 21; x++)
                {
                    map[x, y, z] = (ushort)spleen;
                }
            }
        }

        return map;
    }

    // A 24×18×6 synthetic CT series under tmp/ct.
    private static SeriesHeader SyntheticSeries(TempDirectory tmp)
    {
        var seriesDir = Path.Combine(tmp.Path, "ct");
        Directory.CreateDirectory(seriesDir);
        TestSeries.WriteSynthetic(seriesDir, 24, 18, 6);
        return Assert.Single(SeriesLoader.LoadHeadersFromDirectory(seriesDir));
    }

    [Fact]
    public async Task Both_objects_written_side_by_side_read_back_to_the_label_map()
    {
        using var tmp = new TempDirectory();
        SeriesHeader h = SyntheticSeries(tmp);
        var map = Blocks(h);
        var outDir = Path.Combine(tmp.Path, "out");

        var written = await ResultsWriter.WriteAsync(h, map, outDir, null, new SegmentAlgorithm("m", "1"), Catalogue, CancellationToken.None);

        Assert.Equal(new[] { "liver", "spleen" }.OrderBy(n => Catalogue[n].GlobalIndex), written.Structures);
        Assert.False(written.Resampled);
        Assert.True(written.TotalSeconds > 0);
        Assert.True(written.TotalSeconds <= written.SegmentationSeconds + written.StructureSetSeconds + 1.0);
        using (var seg = DicomFile.Open(written.SegmentationPath))
        {
            Assert.Equal(map.Data, SegmentationLabelMap.Build(SegmentationReader.Read(seg.Dataset, h), Catalogue).Data);
        }

        using var rt = DicomFile.Open(written.StructureSetPath);
        var rois = RtStructReader.Read(rt.Dataset, (h.SizeX, h.SizeY, h.SizeZ), h.Geometry);
        Assert.Equal(2, rois.Count);
        foreach (var roi in rois)
        {
            var value = (ushort)Catalogue[roi.Name == "Liver" ? "liver" : "spleen"].GlobalIndex;
            for (int i = 0; i < map.Length; i++)
            {
                Assert.Equal(map.Data[i] == value, roi.Mask.Data[i] != 0);
            }
        }
    }

    [Fact]
    public async Task When_one_object_cannot_be_written_neither_file_is_left()
    {
        using var tmp = new TempDirectory();
        SeriesHeader h = SyntheticSeries(tmp);
        var outDir = Path.Combine(tmp.Path, "out");

        // A directory where the structure set should go: its save fails while the Segmentation succeeds.
        Directory.CreateDirectory(Path.Combine(outDir, ResultsWriter.StructureSetFileName));
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ResultsWriter.WriteAsync(h, Blocks(h), outDir, null, new SegmentAlgorithm("m", "1"), Catalogue, CancellationToken.None));
        Assert.True(error is IOException or UnauthorizedAccessException, error.ToString());

        Assert.False(File.Exists(Path.Combine(outDir, ResultsWriter.SegmentationFileName)));
    }
}
