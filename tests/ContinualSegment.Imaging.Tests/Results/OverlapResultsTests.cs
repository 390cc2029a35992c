using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Resampling;
using ContinualSegment.Imaging.Results;
using ContinualSegment.Imaging.RtStruct;
using ContinualSegment.Imaging.Segmentation;
using ContinualSegment.Imaging.Series;
using ContinualSegment.Imaging.Tests.Series;

namespace ContinualSegment.Imaging.Tests.Results;

/// <summary>Overlapping structures (an organ under its lesion, a structure under the one nested in it) reach SEG and RTSTRUCT.</summary>
public sealed class OverlapResultsTests
{
    private static readonly StructureCatalogue Catalogue = StructureCatalogue.LoadDefault();

    private static ushort V(string name) => (ushort)Catalogue[name].GlobalIndex;

    // Brain with the brainstem drawn on top (x 2..9), two lung lobes side by side with one tumour spanning both (x 12..21).
    private static (Volume<ushort> Labels, StructureOverlaps Overlaps) Scene(SeriesHeader h)
    {
        var map = new Volume<ushort>(h.SizeX, h.SizeY, h.SizeZ, h.Geometry);
        var hidden = new Dictionary<ushort, List<int>>();
        void Hide(string name, int x, int y, int z)
        {
            if (!hidden.TryGetValue(V(name), out var list))
            {
                hidden[V(name)] = list = [];
            }

            list.Add(map.Index(x, y, z));
        }

        for (int z = 1; z < h.SizeZ - 1; z++)
        {
            for (int y = 2; y < 14; y++)
            {
                for (int x = 2; x < 10; x++)
                {
                    bool stem = x is >= 4 and < 7 && y is >= 5 and < 9;
                    map[x, y, z] = stem ? V("brainstem") : V("brain");
                    if (stem)
                    {
                        Hide("brain", x, y, z);
                    }
                }

                for (int x = 12; x < 22; x++)
                {
                    string lobe = x < 17 ? "lung_upper_lobe_left" : "lung_lower_lobe_left";
                    bool tumour = x is >= 15 and < 19 && y is >= 6 and < 10;
                    map[x, y, z] = tumour ? V("lung_tumor") : V(lobe);
                    if (tumour)
                    {
                        Hide(lobe, x, y, z);
                    }
                }
            }
        }

        return (map, new StructureOverlaps(new GridSize(h.SizeX, h.SizeY, h.SizeZ), hidden.ToDictionary(p => p.Key, p => p.Value.Order().ToArray())));
    }

    private static SeriesHeader SyntheticSeries(TempDirectory tmp)
    {
        var seriesDir = Path.Combine(tmp.Path, "ct");
        Directory.CreateDirectory(seriesDir);
        TestSeries.WriteSynthetic(seriesDir, 24, 18, 6);
        return Assert.Single(SeriesLoader.LoadHeadersFromDirectory(seriesDir));
    }

    // The structure's own mask: its label plus its hidden voxels.
    private static bool[] Own(Volume<ushort> labels, StructureOverlaps overlaps, ushort value)
    {
        var own = labels.Data.Select(v => v == value).ToArray();
        foreach (int i in overlaps.Hidden.GetValueOrDefault(value, []))
        {
            own[i] = true;
        }

        return own;
    }

    [Fact]
    public async Task Segments_and_rois_are_each_structures_own_mask_overlaps_included()
    {
        using var tmp = new TempDirectory();
        SeriesHeader h = SyntheticSeries(tmp);
        var (labels, overlaps) = Scene(h);
        var outDir = Path.Combine(tmp.Path, "out");

        var written = await ResultsWriter.WriteAsync(h, labels, overlaps, outDir, null, new SegmentAlgorithm("m", "1"), Catalogue, null, CancellationToken.None);

        string[] names = ["brain", "brainstem", "lung_upper_lobe_left", "lung_lower_lobe_left", "lung_tumor"];
        Assert.Equal(names.Order(), written.Structures.Order());
        using (var seg = DicomFile.Open(written.SegmentationPath))
        {
            var content = SegmentationReader.Read(seg.Dataset, h);
            foreach (var segment in content.Segments)
            {
                var structure = SegmentationLabelMap.StructureOf(segment.Description, Catalogue)!;
                var mask = content.GetMask(segment.Number).Data.Select(b => b != 0).ToArray();
                Assert.Equal(Own(labels, overlaps, (ushort)structure.GlobalIndex), mask);
            }

            // The label map read back (precedence: lesion and inner structure on top) is the label map written.
            Assert.Equal(labels.Data, SegmentationLabelMap.Build(content, Catalogue).Data);
        }

        using var rt = DicomFile.Open(written.StructureSetPath);
        var rois = RtStructReader.Read(rt.Dataset, (h.SizeX, h.SizeY, h.SizeZ), h.Geometry);
        Assert.Equal(names.Length, rois.Count);
        var brain = rois.Single(r => r.Name.Equals("Brain", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(Own(labels, overlaps, V("brain")), brain.Mask.Data.Select(b => b != 0).ToArray());
        var upper = rois.Single(r => r.Mask.Data.Where((b, i) => b != 0 && labels.Data[i] == V("lung_upper_lobe_left")).Any());
        Assert.Equal(Own(labels, overlaps, V("lung_upper_lobe_left")), upper.Mask.Data.Select(b => b != 0).ToArray());
    }

    [Fact]
    public async Task Without_overlaps_an_organ_covers_every_lesion_the_catalogue_places_in_it()
    {
        using var tmp = new TempDirectory();
        SeriesHeader h = SyntheticSeries(tmp);
        var (labels, _) = Scene(h);

        var written = await ResultsWriter.WriteAsync(h, labels, Path.Combine(tmp.Path, "out"), null, new SegmentAlgorithm("m", "1"), Catalogue, CancellationToken.None);

        using var seg = DicomFile.Open(written.SegmentationPath);
        var content = SegmentationReader.Read(seg.Dataset, h);
        foreach (var segment in content.Segments)
        {
            var structure = SegmentationLabelMap.StructureOf(segment.Description, Catalogue)!;
            var mask = content.GetMask(segment.Number).Data;
            var tumour = labels.Data.Select(v => v == V("lung_tumor")).ToArray();
            var brainstem = labels.Data.Select(v => v == V("brainstem")).ToArray();
            if (structure.Name.StartsWith("lung_", StringComparison.Ordinal) && structure.Name.Contains("lobe", StringComparison.Ordinal))
            {
                // The label map alone cannot say which lobe holds the tumour: both lobes take all of it.
                Assert.All(Enumerable.Range(0, mask.Length).Where(i => tumour[i]), i => Assert.NotEqual(0, mask[i]));
            }

            if (structure.Name == "brain")
            {
                // Nesting is not in the catalogue's lesion rule: the brain's segment has a hole where the brainstem is drawn.
                Assert.All(Enumerable.Range(0, mask.Length).Where(i => brainstem[i]), i => Assert.Equal(0, mask[i]));
            }
        }
    }

    [Fact]
    public async Task Overlaps_follow_the_labels_onto_the_series_grid()
    {
        using var tmp = new TempDirectory();
        SeriesHeader h = SyntheticSeries(tmp);
        var (fine, fineOverlaps) = Scene(h);

        // The same scene on a grid of half the resolution in x and y (2 × 2 voxels of the series per voxel).
        var coarseGeometry = new Affine3D(h.Geometry.IndexToWorld(0.5, 0.5, 0), h.Geometry.AxisI, h.Geometry.AxisJ, h.Geometry.AxisK, new Vec3(h.Geometry.Spacing.X * 2, h.Geometry.Spacing.Y * 2, h.Geometry.Spacing.Z));
        var coarse = new Volume<ushort>(h.SizeX / 2, h.SizeY / 2, h.SizeZ, coarseGeometry);
        var hidden = new Dictionary<ushort, SortedSet<int>>();
        for (int z = 0; z < coarse.SizeZ; z++)
        {
            for (int y = 0; y < coarse.SizeY; y++)
            {
                for (int x = 0; x < coarse.SizeX; x++)
                {
                    coarse[x, y, z] = fine[2 * x, 2 * y, z];
                    foreach (var (value, voxels) in fineOverlaps.Hidden)
                    {
                        if (Array.BinarySearch(voxels, fine.Index(2 * x, 2 * y, z)) >= 0)
                        {
                            (hidden.TryGetValue(value, out var set) ? set : hidden[value] = []).Add(coarse.Index(x, y, z));
                        }
                    }
                }
            }
        }

        var coarseOverlaps = new StructureOverlaps(new GridSize(coarse.SizeX, coarse.SizeY, coarse.SizeZ), hidden.ToDictionary(p => p.Key, p => p.Value.ToArray()));

        var written = await ResultsWriter.WriteAsync(h, coarse, coarseOverlaps, Path.Combine(tmp.Path, "out"), null, new SegmentAlgorithm("m", "1"), Catalogue, null, CancellationToken.None);

        Assert.True(written.Resampled);
        using var seg = DicomFile.Open(written.SegmentationPath);
        var content = SegmentationReader.Read(seg.Dataset, h);
        var onGrid = SegmentationLabelMap.Build(content, Catalogue);
        var brainNumber = content.Segments.Single(s => SegmentationLabelMap.StructureOf(s.Description, Catalogue)!.Name == "brain").Number;
        var brain = content.GetMask(brainNumber).Data;
        var stemVoxels = Enumerable.Range(0, onGrid.Length).Where(i => onGrid.Data[i] == V("brainstem")).ToArray();
        Assert.NotEmpty(stemVoxels);

        // Wherever the resampled map shows the brainstem, the brain's segment is there too (the brain surrounds it).
        Assert.All(stemVoxels, i => Assert.NotEqual(0, brain[i]));
    }
}
