using ContinualSegment.Imaging.Segmentation;
using ContinualSegment.Imaging.Series;
using ContinualSegment.Imaging.Tests.Series;

namespace ContinualSegment.Imaging.Tests.Segmentation;

public sealed class SegmentationLabelMapTests
{
    private static readonly StructureCatalogue Catalogue = StructureCatalogue.LoadDefault();

    [Fact]
    public void Segments_become_catalogue_values_with_the_lesion_winning_inside_its_organ_on_a_bare_grid_too()
    {
        using var tmp = new TempDirectory();
        TestSeries.WriteSynthetic(tmp.Path, 13, 11, 5);
        SeriesHeader h = Assert.Single(SeriesLoader.LoadHeadersFromDirectory(tmp.Path));
        int liver = Catalogue["liver"].GlobalIndex, tumour = Catalogue["liver_tumor"].GlobalIndex, kidney = Catalogue["kidney_left"].GlobalIndex;
        var map = new Volume<ushort>(h.SizeX, h.SizeY, h.SizeZ, h.Geometry);
        for (int z = 1; z < 4; z++)
        {
            for (int y = 1; y < 9; y++)
            {
                for (int x = 1; x < 9; x++)
                {
                    map[x, y, z] = (ushort)(x is >= 3 and <= 5 && y is >= 3 and <= 4 ? tumour : liver);
                }
            }

            map[11, 9, z] = (ushort)kidney;
        }

        // The tumour is written first, so painting in Segment Sequence order alone would let the organ cover it.
        var algorithm = new SegmentAlgorithm("m", "1");
        var request = new SegmentationRequest(h, [map],
        [
            new SegmentInput(SegmentDescription.FromStructure(Catalogue["liver_tumor"], algorithm), 0, (ushort)tumour),
            new SegmentInput(SegmentDescription.FromStructure(Catalogue["liver"], algorithm), 0, (ushort)liver, [(ushort)tumour]),

            // No tracking ID: found by its segment label.
            new SegmentInput(SegmentDescription.FromStructure(Catalogue["kidney_left"], algorithm) with { TrackingId = null }, 0, (ushort)kidney),
        ]);
        var ds = SegmentationWriter.Build(request);

        Assert.Equal(map.Data, SegmentationLabelMap.Build(SegmentationReader.Read(ds, h), Catalogue).Data);
        Assert.Equal(map.Data, SegmentationLabelMap.Build(SegmentationReader.Read(ds, h.SizeX, h.SizeY, h.SizeZ, h.Geometry), Catalogue).Data);

        // Task-local values: only that task's structures, with their task labels.
        Volume<ushort> pathology = SegmentationLabelMap.Build(SegmentationReader.Read(ds, h), Catalogue, "pathology");
        for (int i = 0; i < map.Length; i++)
        {
            Assert.Equal(map.Data[i] == tumour ? Catalogue["liver_tumor"].TaskLabel : 0, pathology.Data[i]);
        }
    }

    [Fact]
    public void A_segment_is_found_by_its_codes_when_neither_tracking_id_nor_label_names_a_structure()
    {
        var kidney = SegmentDescription.FromStructure(Catalogue["kidney_left"], new SegmentAlgorithm("m", "1")) with { TrackingId = null, Label = "K" };
        Assert.Equal("kidney_left", SegmentationLabelMap.StructureOf(kidney, Catalogue)?.Name);
        Assert.Null(SegmentationLabelMap.StructureOf(kidney with { TypeModifier = null }, Catalogue));
    }

    [Fact]
    public void A_frame_off_the_bare_grid_is_refused()
    {
        using var tmp = new TempDirectory();
        TestSeries.WriteSynthetic(tmp.Path, 13, 11, 5);
        SeriesHeader h = Assert.Single(SeriesLoader.LoadHeadersFromDirectory(tmp.Path));
        var map = new Volume<ushort>(h.SizeX, h.SizeY, h.SizeZ, h.Geometry);
        map[2, 2, 4] = (ushort)Catalogue["spleen"].GlobalIndex;
        var ds = SegmentationWriter.Build(SegmentationRequest.FromLabelMap(h, map, Catalogue, new SegmentAlgorithm("m", "1")));
        var shifted = h.Geometry with { Origin = h.Geometry.Origin + (h.Geometry.AxisK * (2.5 * h.Geometry.Spacing.Z)) };

        Assert.Throws<ContinualSegment.Dicom.DicomException>(() => SegmentationReader.Read(ds, h.SizeX, h.SizeY, h.SizeZ, shifted));
    }
}
