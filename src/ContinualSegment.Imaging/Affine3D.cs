namespace ContinualSegment.Imaging;

/// <summary>
/// Voxel-to-patient mapping in DICOM patient coordinates (LPS, millimetres):
/// world = Origin + i·Spacing.X·AxisI + j·Spacing.Y·AxisJ + k·Spacing.Z·AxisK,
/// where i runs along columns (fastest), j along rows and k along slices.
/// AxisI, AxisJ and AxisK are unit direction cosines.
/// </summary>
public sealed record Affine3D(Vec3 Origin, Vec3 AxisI, Vec3 AxisJ, Vec3 AxisK, Vec3 Spacing)
{
    /// <summary>Axis-aligned geometry (i → +x left, j → +y posterior, k → +z superior).</summary>
    public static Affine3D Axial(Vec3 origin, Vec3 spacing) =>
        new(origin, new Vec3(1, 0, 0), new Vec3(0, 1, 0), new Vec3(0, 0, 1), spacing);

    /// <summary>Maps a (possibly fractional) voxel index to patient coordinates.</summary>
    public Vec3 IndexToWorld(double i, double j, double k) =>
        Origin + (AxisI * (i * Spacing.X)) + (AxisJ * (j * Spacing.Y)) + (AxisK * (k * Spacing.Z));

    public Vec3 IndexToWorld(Vec3 index) => IndexToWorld(index.X, index.Y, index.Z);

    /// <summary>Maps patient coordinates to a fractional voxel index.</summary>
    public Vec3 WorldToIndex(Vec3 world)
    {
        double[] inv = Invert3(LinearPart());
        Vec3 d = world - Origin;
        return new Vec3(
            (inv[0] * d.X) + (inv[1] * d.Y) + (inv[2] * d.Z),
            (inv[3] * d.X) + (inv[4] * d.Y) + (inv[5] * d.Z),
            (inv[6] * d.X) + (inv[7] * d.Y) + (inv[8] * d.Z));
    }

    /// <summary>The 3×3 linear part (direction × spacing), row-major; column c is the step of index c.</summary>
    public double[] LinearPart()
    {
        Vec3 a = AxisI * Spacing.X, b = AxisJ * Spacing.Y, c = AxisK * Spacing.Z;
        return [a.X, b.X, c.X, a.Y, b.Y, c.Y, a.Z, b.Z, c.Z];
    }

    /// <summary>The 4×4 homogeneous voxel→LPS matrix, row-major.</summary>
    /// <summary>
    /// Whether two mappings agree to within <paramref name="originToleranceMm"/> in the translation and
    /// <paramref name="stepToleranceMm"/> in each column of the linear part (one voxel step along i, j, k).
    /// </summary>
    public bool Matches(Affine3D other, double originToleranceMm = 1e-2, double stepToleranceMm = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(other);
        double[] a = ToMatrix4x4(), b = other.ToMatrix4x4();
        for (var i = 0; i < 12; i++)
        {
            if (Math.Abs(a[i] - b[i]) > (i % 4 == 3 ? originToleranceMm : stepToleranceMm))
            {
                return false;
            }
        }

        return true;
    }

    public double[] ToMatrix4x4()
    {
        double[] m = LinearPart();
        return [m[0], m[1], m[2], Origin.X, m[3], m[4], m[5], Origin.Y, m[6], m[7], m[8], Origin.Z, 0, 0, 0, 1];
    }

    /// <summary>Builds the geometry from a 4×4 voxel→LPS matrix (row-major, 12 or 16 values).</summary>
    public static Affine3D FromMatrix4x4(IReadOnlyList<double> m)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.Count < 12)
        {
            throw new ArgumentException("A 4×4 matrix needs at least 12 values.", nameof(m));
        }

        var ci = new Vec3(m[0], m[4], m[8]);
        var cj = new Vec3(m[1], m[5], m[9]);
        var ck = new Vec3(m[2], m[6], m[10]);
        double si = ci.Length, sj = cj.Length, sk = ck.Length;
        if (si <= 0 || sj <= 0 || sk <= 0 || !double.IsFinite(si + sj + sk))
        {
            throw new ArgumentException("The matrix has a zero or non-finite column.", nameof(m));
        }

        return new Affine3D(new Vec3(m[3], m[7], m[11]), ci / si, cj / sj, ck / sk, new Vec3(si, sj, sk));
    }

    internal static double[] Invert3(double[] m)
    {
        double det = (m[0] * ((m[4] * m[8]) - (m[5] * m[7])))
                   - (m[1] * ((m[3] * m[8]) - (m[5] * m[6])))
                   + (m[2] * ((m[3] * m[7]) - (m[4] * m[6])));
        if (Math.Abs(det) < 1e-12)
        {
            throw new InvalidOperationException("The voxel-to-world matrix is singular.");
        }

        double id = 1.0 / det;
        return
        [
            ((m[4] * m[8]) - (m[5] * m[7])) * id, ((m[2] * m[7]) - (m[1] * m[8])) * id, ((m[1] * m[5]) - (m[2] * m[4])) * id,
            ((m[5] * m[6]) - (m[3] * m[8])) * id, ((m[0] * m[8]) - (m[2] * m[6])) * id, ((m[2] * m[3]) - (m[0] * m[5])) * id,
            ((m[3] * m[7]) - (m[4] * m[6])) * id, ((m[1] * m[6]) - (m[0] * m[7])) * id, ((m[0] * m[4]) - (m[1] * m[3])) * id,
        ];
    }
}
