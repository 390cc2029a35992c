using ContinualSegment.Imaging.Resampling;

namespace ContinualSegment.Imaging.Tests.Resampling;

public sealed class ResamplerTests
{
    private static readonly GridSize Small = new(9, 7, 5);

    private static float[] Ramp(GridSize s, Func<double, double, double, double> f)
    {
        var v = new float[s.Count];
        for (var z = 0; z < s.Z; z++)
        {
            for (var y = 0; y < s.Y; y++)
            {
                for (var x = 0; x < s.X; x++)
                {
                    v[(z * s.Y * s.X) + (y * s.X) + x] = (float)f(x, y, z);
                }
            }
        }

        return v;
    }

    private static ushort[] Sphere(GridSize s, double cx, double cy, double cz, double r, ushort label, double scale = 1)
    {
        var v = new ushort[s.Count];
        for (var z = 0; z < s.Z; z++)
        {
            for (var y = 0; y < s.Y; y++)
            {
                for (var x = 0; x < s.X; x++)
                {
                    double dx = (x * scale) - cx, dy = (y * scale) - cy, dz = (z * scale) - cz;
                    if ((dx * dx) + (dy * dy) + (dz * dz) <= r * r)
                    {
                        v[(z * s.Y * s.X) + (y * s.X) + x] = label;
                    }
                }
            }
        }

        return v;
    }

    private static double Dice(ushort[] a, ushort[] b, ushort label)
    {
        long both = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var ia = a[i] == label;
            var ib = b[i] == label;
            both += ia && ib ? 1 : 0;
            na += ia ? 1 : 0;
            nb += ib ? 1 : 0;
        }

        return 2.0 * both / (na + nb);
    }

    [Fact]
    public void Identity_mapping_returns_the_source()
    {
        var image = Ramp(Small, (x, y, z) => (x * 3) - (y * 2) + (z * 7));
        var labels = image.Select(v => (ushort)Math.Abs(v % 5)).ToArray();

        Assert.Equal(image, Resampler.Linear(image, Small, Small, IndexMapping.Identity, -1000));
        Assert.Equal(labels, Resampler.Nearest(labels, Small, Small, IndexMapping.Identity));
        Assert.Equal(labels, Resampler.LabelAware(labels, Small, Small, IndexMapping.Identity));
    }

    [Fact]
    public void Trilinear_reproduces_a_linear_function_between_voxels()
    {
        static double F(double x, double y, double z) => (2 * x) + (3 * y) - z + 5;
        var image = Ramp(Small, F);
        var target = new GridSize(17, 13, 9);
        var mapping = IndexMapping.Scale((0.5, 0.5, 0.5), (0, 0, 0));

        var result = Resampler.Linear(image, Small, target, mapping, float.NaN);

        for (var z = 0; z < target.Z; z++)
        {
            for (var y = 0; y < target.Y; y++)
            {
                for (var x = 0; x < target.X; x++)
                {
                    Assert.Equal(F(x * 0.5, y * 0.5, z * 0.5), result[(z * target.Y * target.X) + (y * target.X) + x], 3);
                }
            }
        }
    }

    [Fact]
    public void Outside_the_source_gets_the_outside_value_and_label_zero()
    {
        var image = Ramp(Small, (x, y, z) => 1);
        var labels = Enumerable.Repeat((ushort)4, (int)Small.Count).ToArray();
        var shifted = IndexMapping.Scale((1, 1, 1), (5, 0, 0));

        var moved = Resampler.Linear(image, Small, Small, shifted, -1000);
        var movedLabels = Resampler.LabelAware(labels, Small, Small, shifted);

        Assert.Equal(1f, moved[3]);
        Assert.Equal(-1000f, moved[4]); // x = 9 is beyond the last voxel's half-width
        Assert.Equal(4, movedLabels[3]);
        Assert.Equal(0, movedLabels[4]);
    }

    [Fact]
    public void Between_grids_composes_the_voxel_to_world_matrices()
    {
        // Source: 1 mm voxels at origin (10, 20, 30), rotated 90° about z. Target: 2 mm voxels, same rotation.
        double[] source = [0, -1, 0, 10, 1, 0, 0, 20, 0, 0, 1, 30, 0, 0, 0, 1];
        double[] target = [0, -2, 0, 10, 2, 0, 0, 20, 0, 0, 2, 30, 0, 0, 0, 1];

        var mapping = IndexMapping.Between(target, source);

        var (x, y, z) = mapping.Map(3, 4, 5);
        Assert.Equal(6, x, 9);
        Assert.Equal(8, y, 9);
        Assert.Equal(10, z, 9);
        Assert.Throws<ArgumentException>(() => IndexMapping.Between(target, new double[16]));
    }

    [Fact]
    public void Label_aware_upsampling_is_closer_to_the_true_shape_than_nearest()
    {
        var coarse = new GridSize(20, 20, 20);
        var fine = new GridSize(60, 60, 60);
        // A sphere of radius 6.3 coarse voxels; the truth is the same sphere drawn on the fine grid.
        var labels = Sphere(coarse, 9.6, 9.4, 9.5, 6.3, 7);
        var truth = Sphere(fine, 9.6, 9.4, 9.5, 6.3, 7, scale: 1.0 / 3);
        var mapping = IndexMapping.Scale((1.0 / 3, 1.0 / 3, 1.0 / 3), (0, 0, 0));

        var nearest = Resampler.Nearest(labels, coarse, fine, mapping);
        var aware = Resampler.LabelAware(labels, coarse, fine, mapping);

        Assert.True(Dice(aware, truth, 7) > Dice(nearest, truth, 7), $"label-aware {Dice(aware, truth, 7)} vs nearest {Dice(nearest, truth, 7)}");
        Assert.True(Dice(aware, truth, 7) > 0.95);
        Assert.Equal(new ushort[] { 0, 7 }, aware.Distinct().Order().ToArray());
    }

    [Fact]
    public void Probabilities_stay_in_range_and_keep_their_mass()
    {
        var p = Ramp(Small, (x, y, z) => (x + y + z) % 2 == 0 ? 1 : 0);
        var target = new GridSize(18, 14, 10);

        var result = Resampler.Probability(p, Small, target, IndexMapping.Scale((0.5, 0.5, 0.5), (-0.25, -0.25, -0.25)));

        Assert.All(result, v => Assert.InRange(v, 0f, 1f));
        Assert.InRange(result.Average(), 0.4, 0.6);
    }

    [Fact]
    public void Wrong_sizes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Resampler.Linear(new float[3], Small, Small, IndexMapping.Identity, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Resampler.Nearest(Array.Empty<ushort>(), new GridSize(0, 1, 1), Small, IndexMapping.Identity));
        Assert.Throws<ArgumentException>(() => new IndexMapping(new double[11]));
    }
}
