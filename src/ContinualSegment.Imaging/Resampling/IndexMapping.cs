namespace ContinualSegment.Imaging.Resampling;

/// <summary>
/// An affine map from target voxel indices (i, j, k) to source voxel indices: source = M · (i, j, k, 1),
/// with M given row by row as 3 × 4 values.
/// </summary>
public sealed class IndexMapping
{
    private readonly double[] m;

    /// <param name="rowMajor3x4">Twelve values: three rows of (a, b, c, offset).</param>
    public IndexMapping(IReadOnlyList<double> rowMajor3x4)
    {
        ArgumentNullException.ThrowIfNull(rowMajor3x4);
        if (rowMajor3x4.Count != 12 || rowMajor3x4.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException("an index mapping needs 12 finite values", nameof(rowMajor3x4));
        }

        m = [.. rowMajor3x4];
    }

    /// <summary>The identity: target and source grids coincide.</summary>
    public static IndexMapping Identity { get; } = new([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);

    /// <summary>An axis-aligned scaling: target voxel centres at <c>offset + index × scale</c> in source indices.</summary>
    public static IndexMapping Scale((double X, double Y, double Z) scale, (double X, double Y, double Z) offset)
        => new([scale.X, 0, 0, offset.X, 0, scale.Y, 0, offset.Y, 0, 0, scale.Z, offset.Z]);

    /// <summary>
    /// The mapping between two grids given as 4 × 4 voxel-to-world matrices (row-major, last row 0 0 0 1):
    /// source index = sourceToWorld⁻¹ · targetToWorld · target index.
    /// </summary>
    public static IndexMapping Between(IReadOnlyList<double> targetToWorld, IReadOnlyList<double> sourceToWorld)
    {
        ArgumentNullException.ThrowIfNull(targetToWorld);
        ArgumentNullException.ThrowIfNull(sourceToWorld);
        if (targetToWorld.Count != 16 || sourceToWorld.Count != 16)
        {
            throw new ArgumentException("voxel-to-world matrices have 16 values");
        }

        var inverse = InvertAffine(sourceToWorld);
        var result = new double[12];
        for (var r = 0; r < 3; r++)
        {
            for (var c = 0; c < 4; c++)
            {
                double sum = c == 3 ? inverse[(r * 4) + 3] : 0;
                for (var k = 0; k < 3; k++)
                {
                    sum += inverse[(r * 4) + k] * targetToWorld[(k * 4) + c];
                }

                result[(r * 4) + c] = sum;
            }
        }

        return new IndexMapping(result);
    }

    /// <summary>Source index of target voxel (i, j, k).</summary>
    public (double X, double Y, double Z) Map(double i, double j, double k)
        => ((m[0] * i) + (m[1] * j) + (m[2] * k) + m[3],
            (m[4] * i) + (m[5] * j) + (m[6] * k) + m[7],
            (m[8] * i) + (m[9] * j) + (m[10] * k) + m[11]);

    /// <summary>The mapping the other way: target index of source voxel (x, y, z).</summary>
    /// <exception cref="InvalidOperationException">The mapping is singular.</exception>
    public IndexMapping Inverse()
    {
        double[] full = [.. m, 0, 0, 0, 1];
        try
        {
            return new IndexMapping(InvertAffine(full)[..12]);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException("the index mapping is singular", e);
        }
    }

    /// <summary>How the source index moves per step of target i.</summary>
    public (double X, double Y, double Z) StepI => (m[0], m[4], m[8]);

    private static double[] InvertAffine(IReadOnlyList<double> a)
    {
        // Inverse of [R t; 0 1] is [R⁻¹, -R⁻¹ t; 0 1].
        double a00 = a[0], a01 = a[1], a02 = a[2], a10 = a[4], a11 = a[5], a12 = a[6], a20 = a[8], a21 = a[9], a22 = a[10];
        var det = (a00 * ((a11 * a22) - (a12 * a21))) - (a01 * ((a10 * a22) - (a12 * a20))) + (a02 * ((a10 * a21) - (a11 * a20)));
        if (Math.Abs(det) < 1e-12)
        {
            throw new ArgumentException("the source grid's matrix is singular");
        }

        var inv = new double[16];
        inv[0] = ((a11 * a22) - (a12 * a21)) / det;
        inv[1] = ((a02 * a21) - (a01 * a22)) / det;
        inv[2] = ((a01 * a12) - (a02 * a11)) / det;
        inv[4] = ((a12 * a20) - (a10 * a22)) / det;
        inv[5] = ((a00 * a22) - (a02 * a20)) / det;
        inv[6] = ((a02 * a10) - (a00 * a12)) / det;
        inv[8] = ((a10 * a21) - (a11 * a20)) / det;
        inv[9] = ((a01 * a20) - (a00 * a21)) / det;
        inv[10] = ((a00 * a11) - (a01 * a10)) / det;
        for (var r = 0; r < 3; r++)
        {
            inv[(r * 4) + 3] = -((inv[r * 4] * a[3]) + (inv[(r * 4) + 1] * a[7]) + (inv[(r * 4) + 2] * a[11]));
        }

        inv[15] = 1;
        return inv;
    }
}
