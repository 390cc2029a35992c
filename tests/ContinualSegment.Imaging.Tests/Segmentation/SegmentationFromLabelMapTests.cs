using ContinualSegment.Imaging.Segmentation;
using ContinualSegment.Imaging.Series;
using ContinualSegment.Imaging.Tests.Series;

namespace ContinualSegment.Imaging.Tests.Segmentation;

public sealed class SegmentationFromLabelMapTests
{
    [Fact]
    public void Merged_label_map_gives_one_segment_per_present_structure_and_organs_include_their_lesions()
    {
        using var tmp = new TempDirectory();
        TestSeries.WriteSynthetic(tmp.Path, 13, 11, 5);
        SeriesHeader h = Assert.Single(SeriesLoader.LoadHeadersFromDirectory(tmp.Path));
        StructureCatalogue catalogue = StructureCatalogue.LoadDefault();
        int liver = catalogue["liver"].GlobalIndex, tumour = catalogue["liver_tumor"].GlobalIndex, spleen = catalogue["spleen"].GlobalIndex;
        var map = new Volume<ushort>(h.SizeX, h.SizeY, h.SizeZ, h.Geometry);
        for (int z = 1; z < 4; z++)
        {
            for (int y = 1; y < 9; y++)
            {
                for (int x = 1; x < 10; x++)
                {
                    // Liver block with a tumour inside it (the tumour label wins in the map); spleen on the last column.
                    map[x, y, z] = (ushort)(x is >= 4 and <= 6 && y is >= 3 and <= 5 && z == 2 ? tumour : liver);
                }
            }

            map[12, 0, z] = (ushort)spleen;
        }

        SegmentationRequest request = SegmentationRequest.FromLabelMap(h, map, catalogue, new SegmentAlgorithm("m", "1"));
        SegmentationContent read = SegmentationReader.Read(SegmentationWriter.Build(request), h);

        Assert.Equal(["Spleen", "Liver", "Liver tumour"], read.Segments.Select(s => s.Description.Label));
        Volume<byte> liverMask = read.GetMask(2);
        Volume<byte> tumourMask = read.GetMask(3);
        for (int i = 0; i < map.Length; i++)
        {
            Assert.Equal(map.Data[i] == liver || map.Data[i] == tumour, liverMask.Data[i] == 1);
            Assert.Equal(map.Data[i] == tumour, tumourMask.Data[i] == 1);
        }

        Assert.Equal("liver_tumor", read.Segments[2].Description.TrackingId);
        map[0, 0, 0] = 999;
        Assert.Throws<ArgumentException>(() => SegmentationRequest.FromLabelMap(h, map, catalogue, new SegmentAlgorithm("m", "1")));
    }
}
