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
}
