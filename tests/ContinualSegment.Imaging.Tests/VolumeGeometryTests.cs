namespace ContinualSegment.Imaging.Tests;

public class VolumeGeometryTests
{
    private static readonly Affine3D Oblique = new(
        new Vec3(-100, 50, 20),
        new Vec3(Math.Cos(0.3), Math.Sin(0.3), 0),
        new Vec3(-Math.Sin(0.3), Math.Cos(0.3), 0),
        new Vec3(0, 0, 1),
        new Vec3(0.5, 0.75, 2.0));

    [Fact]
    public void Index_to_world_follows_the_axes_and_spacing_and_inverts()
    {
        Vec3 w = Oblique.IndexToWorld(2, 0, 0);
        Assert.Equal(-100 + (2 * 0.5 * Math.Cos(0.3)), w.X, 12);
        Assert.Equal(50 + (2 * 0.5 * Math.Sin(0.3)), w.Y, 12);
        Assert.Equal(20 + (3 * 2.0), Oblique.IndexToWorld(0, 0, 3).Z, 12);
        var p = new Vec3(3.25, -1.5, 7.75);
        Vec3 back = Oblique.WorldToIndex(Oblique.IndexToWorld(p));
        Assert.Equal(p.X, back.X, 9);
        Assert.Equal(p.Y, back.Y, 9);
        Assert.Equal(p.Z, back.Z, 9);
    }

    [Fact]
    public void Matrix_round_trip_recovers_axes_and_spacing()
    {
        Affine3D r = Affine3D.FromMatrix4x4(Oblique.ToMatrix4x4());
        Assert.Equal(Oblique.Spacing.X, r.Spacing.X, 12);
        Assert.Equal(Oblique.Spacing.Y, r.Spacing.Y, 12);
        Assert.Equal(Oblique.AxisJ.X, r.AxisJ.X, 12);
        Assert.Equal(Oblique.Origin, r.Origin);
        Assert.Throws<ArgumentException>(() => Affine3D.FromMatrix4x4(new double[16]));
    }

    [Fact]
    public void Volume_indexes_x_fastest_and_checks_sizes()
    {
        var v = new Volume<short>(4, 3, 2, Oblique);
        v[3, 2, 1] = 7;
        Assert.Equal(7, v.Data[3 + (4 * (2 + (3 * 1)))]);
        Assert.Equal(12, v.SliceLength);
        Assert.Equal(7, v.Slice(1)[3 + (4 * 2)]);
        Assert.True(v.Contains(3, 2, 1));
        Assert.False(v.Contains(4, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Volume<byte>(0, 1, 1, Oblique));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Volume<byte>(65536, 65536, 2, Oblique));
        Assert.Throws<ArgumentException>(() => new Volume<byte>(2, 2, 2, Oblique, new byte[7]));
    }
}
