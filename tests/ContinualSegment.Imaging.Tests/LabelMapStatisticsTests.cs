namespace ContinualSegment.Imaging.Tests;

public class LabelMapStatisticsTests
{
    [Fact]
    public void Counts_volumes_and_bounding_boxes_per_label()
    {
        var v = new Volume<byte>(5, 4, 3, Affine3D.Axial(Vec3.Zero, new Vec3(2, 2, 5)));
        v[1, 1, 0] = 3;
        v[3, 2, 2] = 3;
        v[4, 3, 1] = 7;
        LabelMapStatistics s = LabelMapStatistics.Compute(v);
        Assert.Equal(2, s.Count(3));
        Assert.Equal(1, s.Count(7));
        Assert.Equal(57, s.Count(0));
        Assert.Equal(0, s.Count(5));
        Assert.Equal(0, s.Count(200));
        Assert.Equal(new BoundingBox3(1, 1, 0, 3, 2, 2), s.BoundingBox(3));
        Assert.Equal(new BoundingBox3(4, 3, 1, 4, 3, 1), s.BoundingBox(7));
        Assert.Null(s.BoundingBox(5));
        Assert.Equal([3, 7], s.PresentLabels);
        Assert.Equal(2 * 20 / 1000.0, s.VolumeCm3(3), 12);
    }

    [Fact]
    public void Runs_of_labels_give_the_same_counts_and_boxes_as_a_voxel_by_voxel_count()
    {
        // Runs of random lengths and values (some up to 60,000), rows that end inside a run, labels that reappear
        // on later slices and rows: every count and box must equal the naive per-voxel result.
        var v = new Volume<ushort>(37, 11, 9, Affine3D.Axial(Vec3.Zero, new Vec3(1, 1, 1)));
        var random = new Random(2026);
        ushort[] values = [0, 0, 0, 1, 2, 5, 143, 60000];
        for (int i = 0; i < v.Data.Length;)
        {
            int run = random.Next(1, 50);
            ushort value = values[random.Next(values.Length)];
            for (int k = 0; k < run && i < v.Data.Length; k++, i++)
            {
                v.Data[i] = value;
            }
        }

        var counts = new Dictionary<int, long>();
        var boxes = new Dictionary<int, BoundingBox3>();
        for (int z = 0; z < v.SizeZ; z++)
        {
            for (int y = 0; y < v.SizeY; y++)
            {
                for (int x = 0; x < v.SizeX; x++)
                {
                    int l = v[x, y, z];
                    counts[l] = counts.GetValueOrDefault(l) + 1;
                    boxes[l] = boxes.TryGetValue(l, out var b)
                        ? new BoundingBox3(Math.Min(b.MinX, x), Math.Min(b.MinY, y), Math.Min(b.MinZ, z), Math.Max(b.MaxX, x), Math.Max(b.MaxY, y), Math.Max(b.MaxZ, z))
                        : new BoundingBox3(x, y, z, x, y, z);
                }
            }
        }

        LabelMapStatistics s = LabelMapStatistics.Compute(v);
        Assert.Equal(counts.Keys.Max() + 1, s.LabelCount);
        Assert.Equal(counts.Keys.Where(static l => l > 0).Order(), s.PresentLabels);
        foreach (var (label, count) in counts)
        {
            Assert.Equal(count, s.Count(label));
            Assert.Equal(boxes[label], s.BoundingBox(label));
        }

        Assert.Equal(0, s.Count(3));
        Assert.Null(s.BoundingBox(3));
    }

    [Fact]
    public void An_empty_map_has_only_background()
    {
        LabelMapStatistics s = LabelMapStatistics.Compute(new Volume<byte>(4, 3, 2, Affine3D.Axial(Vec3.Zero, new Vec3(1, 1, 1))));
        Assert.Equal(1, s.LabelCount);
        Assert.Equal(24, s.Count(0));
        Assert.Equal(new BoundingBox3(0, 0, 0, 3, 2, 1), s.BoundingBox(0));
        Assert.Empty(s.PresentLabels);
    }
}
