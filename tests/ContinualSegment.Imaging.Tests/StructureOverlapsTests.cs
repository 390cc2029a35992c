using ContinualSegment.Imaging.Resampling;

namespace ContinualSegment.Imaging.Tests;

public sealed class StructureOverlapsTests
{
    private static readonly StructureCatalogue Catalogue = StructureCatalogue.LoadDefault();

    private static ushort V(string name) => (ushort)Catalogue[name].GlobalIndex;

    [Fact]
    public void Rejects_hidden_voxels_that_are_unordered_repeated_outside_the_grid_or_background()
    {
        var size = new GridSize(4, 4, 4);
        Assert.Throws<ArgumentException>(() => new StructureOverlaps(size, new Dictionary<ushort, int[]> { [1] = [5, 3] }));
        Assert.Throws<ArgumentException>(() => new StructureOverlaps(size, new Dictionary<ushort, int[]> { [1] = [3, 3] }));
        Assert.Throws<ArgumentException>(() => new StructureOverlaps(size, new Dictionary<ushort, int[]> { [1] = [64] }));
        Assert.Throws<ArgumentException>(() => new StructureOverlaps(size, new Dictionary<ushort, int[]> { [0] = [1] }));
        Assert.True(new StructureOverlaps(size, new Dictionary<ushort, int[]> { [1] = [] }).IsEmpty);
    }

    [Fact]
    public void Inverse_mapping_takes_source_indices_back_to_target_indices()
    {
        var mapping = new IndexMapping([0.5, 0.1, 0, 3, 0, 2, 0, -1, 0.2, 0, 1.5, 7]);
        var inverse = mapping.Inverse();
        var (x, y, z) = mapping.Map(4, -2, 9);
        var back = inverse.Map(x, y, z);
        Assert.Equal(4, back.X, 9);
        Assert.Equal(-2, back.Y, 9);
        Assert.Equal(9, back.Z, 9);
        Assert.Throws<InvalidOperationException>(() => new IndexMapping([1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]).Inverse());
    }

    [Fact]
    public void Identity_resampling_keeps_the_hidden_voxels_the_target_map_does_not_show()
    {
        var size = new GridSize(6, 5, 4);
        var labels = new ushort[size.Count];
        Array.Fill(labels, (ushort)1);
        labels[7] = labels[8] = 2;
        var overlaps = new StructureOverlaps(size, new Dictionary<ushort, int[]> { [1] = [7, 8] });

        var same = overlaps.Resample(labels, labels, size, IndexMapping.Identity);
        Assert.Equal([7, 8], same.Hidden[1]);

        // Where the target map shows structure 1 itself, it is not hidden there.
        var target = (ushort[])labels.Clone();
        target[8] = 1;
        Assert.Equal([7], overlaps.Resample(labels, target, size, IndexMapping.Identity).Hidden[1]);
    }

    [Fact]
    public void Upsampling_hides_the_organ_wherever_the_finer_map_shows_its_lesion()
    {
        // Source 8×8×8: organ 1 everywhere, a lesion (2) in the 2×2×2 block at (3..4, 3..4, 3..4), the organ hidden there.
        var source = new GridSize(8, 8, 8);
        var labels = new ushort[source.Count];
        Array.Fill(labels, (ushort)1);
        var hiddenVoxels = new List<int>();
        for (int z = 3; z < 5; z++)
        {
            for (int y = 3; y < 5; y++)
            {
                for (int x = 3; x < 5; x++)
                {
                    int i = x + (8 * (y + (8 * z)));
                    labels[i] = 2;
                    hiddenVoxels.Add(i);
                }
            }
        }

        var overlaps = new StructureOverlaps(source, new Dictionary<ushort, int[]> { [1] = [.. hiddenVoxels.Order()] });
        var target = new GridSize(16, 16, 16);
        var toSource = IndexMapping.Scale((0.5, 0.5, 0.5), (-0.25, -0.25, -0.25));
        var fine = Resampler.LabelAware(labels, source, target, toSource);
        var lesion = Enumerable.Range(0, fine.Length).Where(i => fine[i] == 2).ToArray();
        Assert.NotEmpty(lesion);

        var moved = overlaps.Resample(labels, fine, target, toSource);

        Assert.Equal(target, moved.Size);
        Assert.Equal(lesion, moved.Hidden[1]);
    }

    [Fact]
    public void Region_map_gives_each_combination_its_own_value_and_each_structure_exactly_its_voxels()
    {
        var geometry = new Affine3D(new Vec3(0, 0, 0), new Vec3(1, 0, 0), new Vec3(0, 1, 0), new Vec3(0, 0, 1), new Vec3(1, 1, 1));
        var labels = new Volume<ushort>(4, 1, 1, geometry, [V("lung_upper_lobe_left"), V("lung_tumor"), V("lung_tumor"), V("lung_lower_lobe_left")]);
        var overlaps = new StructureOverlaps(new GridSize(4, 1, 1), new Dictionary<ushort, int[]>
        {
            [V("lung_upper_lobe_left")] = [1],
            [V("lung_lower_lobe_left")] = [2],
        });
        var table = LabelTable.FromLabelMap(labels, overlaps, Catalogue);

        var regions = RegionMap.Build(labels, table, overlaps);

        Assert.Equal(2, regions.Combinations);
        Assert.Equal(labels.Data[0], regions.Map.Data[0]);
        Assert.Equal(labels.Data[3], regions.Map.Data[3]);
        ushort upperCode = regions.Map.Data[1], lowerCode = regions.Map.Data[2];
        Assert.NotEqual(upperCode, lowerCode);
        Assert.True(upperCode > V("lung_tumor") && lowerCode > V("lung_tumor"));
        Assert.Equal([upperCode], regions.AlsoLabels(V("lung_upper_lobe_left")));
        Assert.Equal([lowerCode], regions.AlsoLabels(V("lung_lower_lobe_left")));
        Assert.Equal(new[] { upperCode, lowerCode }.Order(), regions.AlsoLabels(V("lung_tumor")));

        // The label map itself is left as it is.
        Assert.Equal(V("lung_tumor"), labels.Data[1]);

        // Without overlaps: the catalogue's rule, every lobe takes every lung tumour voxel.
        var plain = RegionMap.Build(labels, LabelTable.FromLabelMap(labels, Catalogue), null);
        Assert.Same(labels, plain.Map);
        Assert.Equal([V("lung_tumor")], plain.AlsoLabels(V("lung_upper_lobe_left")));
        Assert.Null(plain.AlsoLabels(V("lung_tumor")));
    }

    [Fact]
    public void A_structure_present_only_beneath_another_is_in_the_label_table()
    {
        var geometry = new Affine3D(new Vec3(0, 0, 0), new Vec3(1, 0, 0), new Vec3(0, 1, 0), new Vec3(0, 0, 1), new Vec3(1, 1, 1));
        var labels = new Volume<ushort>(2, 1, 1, geometry, [V("brainstem"), 0]);
        var overlaps = new StructureOverlaps(new GridSize(2, 1, 1), new Dictionary<ushort, int[]> { [V("brain")] = [0] });

        Assert.Equal(new[] { V("brain"), V("brainstem") }.Order(), LabelTable.FromLabelMap(labels, overlaps, Catalogue).Structures.Keys);
        Assert.Throws<ArgumentException>(() => RegionMap.Build(labels, LabelTable.FromLabelMap(labels, Catalogue), overlaps));
    }
}
