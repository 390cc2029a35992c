using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Resampling;

namespace ContinualSegment.Model.Tests.Pipeline;

public sealed class VolumeReorientationTests
{
    [Fact]
    public void A_left_handed_grid_becomes_right_handed_by_reversing_its_slices_and_every_voxel_keeps_its_position()
    {
        var left = new Affine3D(new Vec3(10, -20, 30), new Vec3(1, 0, 0), new Vec3(0, -1, 0), new Vec3(0, 0, 1), new Vec3(0.5, 0.7, 2.5));
        var volume = new Volume<float>(3, 2, 4, left, Enumerable.Range(0, 24).Select(i => (float)i).ToArray());
        Assert.True(VolumeReorientation.IsOrthonormal(left));
        Assert.False(VolumeReorientation.IsRightHanded(left));

        var right = VolumeReorientation.RightHanded(left, volume.SizeZ, out var flipped);
        var moved = VolumeReorientation.FlipSlices(volume, right);

        Assert.True(flipped);
        Assert.True(VolumeReorientation.IsRightHanded(right));
        for (var z = 0; z < 4; z++)
        {
            for (var y = 0; y < 2; y++)
            {
                for (var x = 0; x < 3; x++)
                {
                    var k = moved.Geometry.WorldToIndex(left.IndexToWorld(x, y, z));
                    Assert.Equal(volume[x, y, z], moved[(int)Math.Round(k.X), (int)Math.Round(k.Y), (int)Math.Round(k.Z)]);
                }
            }
        }

        Assert.Equal(volume.Data, VolumeReorientation.FlipSlices(moved, left).Data);
    }

    [Fact]
    public void Sheared_or_non_finite_grids_are_not_orthonormal()
    {
        var sheared = new Affine3D(Vec3.Zero, new Vec3(1, 0, 0), new Vec3(0.1, 0.995, 0), new Vec3(0, 0, 1), new Vec3(1, 1, 1));
        var nan = Affine3D.Axial(new Vec3(double.NaN, 0, 0), new Vec3(1, 1, 1));

        Assert.False(VolumeReorientation.IsOrthonormal(sheared));
        Assert.False(VolumeReorientation.IsOrthonormal(nan));
        Assert.Throws<ArgumentException>(() => VolumeReorientation.RightHanded(sheared, 2, out _));
    }
}
