using ContinualSegment.Imaging.Contours;

namespace ContinualSegment.Imaging.Tests.Contours;

public sealed class SliceContourerTests
{
    [Fact]
    public void Keyhole_joins_a_hole_to_its_outer_contour()
    {
        const int n = 40;
        var mask = ContourTestMasks.Disk(n, n, 20, 20, 15, 6);

        var polygons = SliceContourer.Contour<byte>(mask, n, n, 1, (0, 0, n - 1, n - 1), 1, 1, 0, HoleMode.Keyhole);

        var polygon = Assert.Single(polygons);
        var back = ContourTestMasks.Rasterise(polygons, n, n);
        // Only pixel centres lying exactly on the zero-width channel may differ.
        var differing = mask.Zip(back).Count(p => p.First != p.Second);
        Assert.True(differing <= 10, $"{differing} pixels differ");
        Assert.True(polygon.Points.Count > 20);
    }

    [Fact]
    public void Xor_mode_keeps_holes_as_their_own_contours()
    {
        const int n = 40;
        var mask = ContourTestMasks.Disk(n, n, 20, 20, 15, 6);

        var polygons = SliceContourer.Contour<byte>(mask, n, n, 1, (0, 0, n - 1, n - 1), 1, 1, 0, HoleMode.Xor);

        Assert.Equal(2, polygons.Count);
        Assert.Equal(mask, ContourTestMasks.Rasterise(polygons, n, n));
    }

    [Fact]
    public void Thinning_keeps_every_removed_vertex_within_the_tolerance()
    {
        const int n = 120;
        const double spacing = 0.8, tolerance = 0.5;
        var mask = ContourTestMasks.Disk(n, n, 60, 60, 45);
        var full = MarchingSquares.Trace(mask, n, n)[0].Points;

        var thin = SliceContourer.Contour<byte>(mask, n, n, 1, (0, 0, n - 1, n - 1), spacing, spacing, tolerance, HoleMode.Keyhole)[0].Points;

        Assert.True(thin.Count < full.Count / 3, $"{thin.Count} of {full.Count} vertices kept");
        foreach (var p in full)
        {
            var nearest = Enumerable.Range(0, thin.Count)
                .Min(i => SegmentDistance(p, thin[i], thin[(i + 1) % thin.Count]) * spacing);
            Assert.True(nearest <= tolerance + 1e-9, $"vertex {p} is {nearest} mm from the thinned outline");
        }

        var back = ContourTestMasks.Rasterise([new ContourPolygon(thin)], n, n);
        Assert.True(ContourTestMasks.Dice(mask, back) >= 0.97);
    }

    [Fact]
    public void Labels_other_than_the_requested_one_are_ignored_and_points_are_offset_by_the_box()
    {
        const int w = 20, h = 20;
        var slice = new ushort[w * h];
        slice[(5 * w) + 7] = 3;
        slice[(5 * w) + 8] = 3;
        slice[(12 * w) + 12] = 4;

        var polygons = SliceContourer.Contour<ushort>(slice, w, h, 3, (7, 5, 8, 5), 1, 1, 0, HoleMode.Keyhole);

        var polygon = Assert.Single(polygons);
        Assert.All(polygon.Points, p => Assert.InRange(p.X, 6.5, 8.5));
        Assert.All(polygon.Points, p => Assert.InRange(p.Y, 4.5, 5.5));
    }

    [Fact]
    public void Box_outside_the_slice_is_rejected()
    {
        var slice = new byte[16];
        Assert.Throws<ArgumentOutOfRangeException>(() => SliceContourer.Contour<byte>(slice, 4, 4, 1, (0, 0, 4, 3), 1, 1, 0.5, HoleMode.Keyhole));
    }

    private static double SegmentDistance(Point2 p, Point2 a, Point2 b)
    {
        var abx = b.X - a.X;
        var aby = b.Y - a.Y;
        var length2 = (abx * abx) + (aby * aby);
        var t = length2 == 0 ? 0 : Math.Clamp((((p.X - a.X) * abx) + ((p.Y - a.Y) * aby)) / length2, 0, 1);
        var dx = p.X - a.X - (t * abx);
        var dy = p.Y - a.Y - (t * aby);
        return Math.Sqrt((dx * dx) + (dy * dy));
    }
}
