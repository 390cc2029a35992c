namespace ContinualSegment.Imaging.Resampling;

/// <summary>
/// Resamples images, label maps and probability maps between grids. Each target voxel is computed on its
/// own from the mapping, so memory is the two grids and nothing more, and slabs run in parallel with
/// results that do not depend on scheduling. Outside the source grid images take <c>outside</c>,
/// labels 0 and probabilities 0.
/// </summary>
public static class Resampler
{
    private interface ISampler<out T>
    {
        T Sample(double x, double y, double z);
    }

    /// <summary>Trilinear interpolation of an image.</summary>
    public static float[] Linear(ReadOnlyMemory<float> source, GridSize sourceSize, GridSize targetSize, IndexMapping mapping, float outside)
    {
        Check(source.Length, sourceSize, targetSize, mapping);
        return Fill<float, LinearSampler>(targetSize, mapping, () => new LinearSampler(source, sourceSize, outside));
    }

    /// <summary>Nearest-neighbour resampling of a label map.</summary>
    public static ushort[] Nearest(ReadOnlyMemory<ushort> source, GridSize sourceSize, GridSize targetSize, IndexMapping mapping)
    {
        Check(source.Length, sourceSize, targetSize, mapping);
        return Fill<ushort, NearestSampler>(targetSize, mapping, () => new NearestSampler(source, sourceSize));
    }

    /// <summary>
    /// Label-aware resampling: each target voxel takes the label with the largest total trilinear weight
    /// among its eight source neighbours (the arg-max of the interpolated one-hot maps, without making them).
    /// Smooth where nearest-neighbour is blocky, and never invents a label that is not there.
    /// </summary>
    public static ushort[] LabelAware(ReadOnlyMemory<ushort> source, GridSize sourceSize, GridSize targetSize, IndexMapping mapping)
    {
        Check(source.Length, sourceSize, targetSize, mapping);
        return Fill<ushort, VoteSampler>(targetSize, mapping, () => new VoteSampler(source, sourceSize));
    }

    // One sampler per worker (the vote keeps scratch arrays); each target voxel is computed on its own.
    private static T[] Fill<T, TSampler>(GridSize targetSize, IndexMapping mapping, Func<TSampler> createSampler)
        where TSampler : struct, ISampler<T>
    {
        var target = new T[targetSize.Count];
        Parallel.For(0, targetSize.Z, createSampler, (k, _, sampler) =>
        {
            for (var j = 0; j < targetSize.Y; j++)
            {
                var row = ((long)k * targetSize.Y * targetSize.X) + ((long)j * targetSize.X);
                for (var i = 0; i < targetSize.X; i++)
                {
                    var (x, y, z) = mapping.Map(i, j, k);
                    target[row + i] = sampler.Sample(x, y, z);
                }
            }

            return sampler;
        }, _ => { });
        return target;
    }

    /// <summary>Trilinear resampling of a soft map (probabilities), 0 outside the source.</summary>
    public static float[] Probability(ReadOnlyMemory<float> source, GridSize sourceSize, GridSize targetSize, IndexMapping mapping)
        => Linear(source, sourceSize, targetSize, mapping, 0f);

    private readonly struct LinearSampler(ReadOnlyMemory<float> source, GridSize size, float outside) : ISampler<float>
    {
        public float Sample(double x, double y, double z) => Trilinear(source.Span, size, x, y, z, outside);
    }

    private readonly struct NearestSampler(ReadOnlyMemory<ushort> source, GridSize size) : ISampler<ushort>
    {
        public ushort Sample(double x, double y, double z)
        {
            var xi = (int)Math.Round(x, MidpointRounding.AwayFromZero);
            var yi = (int)Math.Round(y, MidpointRounding.AwayFromZero);
            var zi = (int)Math.Round(z, MidpointRounding.AwayFromZero);
            return Inside(size, xi, yi, zi) ? source.Span[(int)Offset(size, xi, yi, zi)] : (ushort)0;
        }
    }

    private readonly struct VoteSampler(ReadOnlyMemory<ushort> source, GridSize size) : ISampler<ushort>
    {
        private readonly ushort[] labels = new ushort[8];
        private readonly double[] weights = new double[8];

        public ushort Sample(double x, double y, double z) => WeightedVote(source.Span, size, x, y, z, labels, weights);
    }

    private static void Check(int length, GridSize sourceSize, GridSize targetSize, IndexMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        sourceSize.Validate(nameof(sourceSize));
        targetSize.Validate(nameof(targetSize));
        if (length != sourceSize.Count)
        {
            throw new ArgumentException($"source has {length} voxels, expected {sourceSize.X}×{sourceSize.Y}×{sourceSize.Z}");
        }
    }

    private static bool Inside(GridSize s, int x, int y, int z) => x >= 0 && y >= 0 && z >= 0 && x < s.X && y < s.Y && z < s.Z;

    private static long Offset(GridSize s, int x, int y, int z) => ((long)z * s.Y * s.X) + ((long)y * s.X) + x;

    private static float Trilinear(ReadOnlySpan<float> src, GridSize s, double x, double y, double z, float outside)
    {
        if (!Cell(s, ref x, ref y, ref z, out var x0, out var y0, out var z0))
        {
            return outside;
        }

        var x1 = Math.Min(x0 + 1, s.X - 1);
        var y1 = Math.Min(y0 + 1, s.Y - 1);
        var z1 = Math.Min(z0 + 1, s.Z - 1);
        double fx = x - x0, fy = y - y0, fz = z - z0;
        double c00 = Lerp(src[(int)Offset(s, x0, y0, z0)], src[(int)Offset(s, x1, y0, z0)], fx);
        double c10 = Lerp(src[(int)Offset(s, x0, y1, z0)], src[(int)Offset(s, x1, y1, z0)], fx);
        double c01 = Lerp(src[(int)Offset(s, x0, y0, z1)], src[(int)Offset(s, x1, y0, z1)], fx);
        double c11 = Lerp(src[(int)Offset(s, x0, y1, z1)], src[(int)Offset(s, x1, y1, z1)], fx);
        return (float)Lerp(Lerp(c00, c10, fy), Lerp(c01, c11, fy), fz);
    }

    private static double Lerp(double a, double b, double t) => a + ((b - a) * t);

    /// <summary>
    /// The interpolation cell of a continuous index: false outside the grid; points up to half a voxel beyond the edge
    /// clamp to it, as a voxel covers its whole cell. The index is clamped in place and its lower corner returned.
    /// </summary>
    private static bool Cell(GridSize s, ref double x, ref double y, ref double z, out int x0, out int y0, out int z0)
    {
        if (x < -0.5 || y < -0.5 || z < -0.5 || x > s.X - 0.5 || y > s.Y - 0.5 || z > s.Z - 0.5)
        {
            x0 = y0 = z0 = 0;
            return false;
        }

        x = Math.Clamp(x, 0, s.X - 1);
        y = Math.Clamp(y, 0, s.Y - 1);
        z = Math.Clamp(z, 0, s.Z - 1);
        x0 = Math.Min((int)x, s.X - 1);
        y0 = Math.Min((int)y, s.Y - 1);
        z0 = Math.Min((int)z, s.Z - 1);
        return true;
    }

    private static ushort WeightedVote(ReadOnlySpan<ushort> src, GridSize s, double x, double y, double z, ushort[] labels, double[] weights)
    {
        if (!Cell(s, ref x, ref y, ref z, out var x0, out var y0, out var z0))
        {
            return 0;
        }

        // Inside a structure (most voxels) all eight corners agree: that label wins whatever the weights.
        int x1 = Math.Min(x0 + 1, s.X - 1), y1 = Math.Min(y0 + 1, s.Y - 1), z1 = Math.Min(z0 + 1, s.Z - 1);
        var first = src[(int)Offset(s, x0, y0, z0)];
        if (src[(int)Offset(s, x1, y0, z0)] == first && src[(int)Offset(s, x0, y1, z0)] == first && src[(int)Offset(s, x1, y1, z0)] == first
            && src[(int)Offset(s, x0, y0, z1)] == first && src[(int)Offset(s, x1, y0, z1)] == first && src[(int)Offset(s, x0, y1, z1)] == first
            && src[(int)Offset(s, x1, y1, z1)] == first)
        {
            return first;
        }

        double fx = x - x0, fy = y - y0, fz = z - z0;
        var distinct = 0;
        for (var corner = 0; corner < 8; corner++)
        {
            var dx = corner & 1;
            var dy = (corner >> 1) & 1;
            var dz = (corner >> 2) & 1;
            var w = (dx == 1 ? fx : 1 - fx) * (dy == 1 ? fy : 1 - fy) * (dz == 1 ? fz : 1 - fz);
            if (w <= 0)
            {
                continue;
            }

            var label = src[(int)Offset(s, Math.Min(x0 + dx, s.X - 1), Math.Min(y0 + dy, s.Y - 1), Math.Min(z0 + dz, s.Z - 1))];
            var slot = Array.IndexOf(labels, label, 0, distinct);
            if (slot < 0)
            {
                slot = distinct++;
                labels[slot] = label;
                weights[slot] = 0;
            }

            weights[slot] += w;
        }

        var best = 0;
        for (var n = 1; n < distinct; n++)
        {
            // Ties go to the smaller label value, so the result never depends on corner order.
            if (weights[n] > weights[best] + 1e-12 || (Math.Abs(weights[n] - weights[best]) <= 1e-12 && labels[n] < labels[best]))
            {
                best = n;
            }
        }

        return distinct == 0 ? (ushort)0 : labels[best];
    }
}
