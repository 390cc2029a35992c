using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Shapes;

/// <summary>A 3×3 matrix (row-major) used for rotations.</summary>
internal readonly record struct Mat3(double M00, double M01, double M02, double M10, double M11, double M12, double M20, double M21, double M22)
{
    public static Mat3 Identity => new(1, 0, 0, 0, 1, 0, 0, 0, 1);

    /// <summary>Rotation R = Rz·Ry·Rx with angles in degrees.</summary>
    public static Mat3 FromEulerDegrees(double rx, double ry, double rz)
    {
        double a = rx * Math.PI / 180, b = ry * Math.PI / 180, c = rz * Math.PI / 180;
        double ca = Math.Cos(a), sa = Math.Sin(a), cb = Math.Cos(b), sb = Math.Sin(b), cc = Math.Cos(c), sc = Math.Sin(c);
        var rxm = new Mat3(1, 0, 0, 0, ca, -sa, 0, sa, ca);
        var rym = new Mat3(cb, 0, sb, 0, 1, 0, -sb, 0, cb);
        var rzm = new Mat3(cc, -sc, 0, sc, cc, 0, 0, 0, 1);
        return rzm * (rym * rxm);
    }

    public Mat3 Transpose() => new(M00, M10, M20, M01, M11, M21, M02, M12, M22);

    public Vec3 Apply(Vec3 v) => new(
        (M00 * v.X) + (M01 * v.Y) + (M02 * v.Z),
        (M10 * v.X) + (M11 * v.Y) + (M12 * v.Z),
        (M20 * v.X) + (M21 * v.Y) + (M22 * v.Z));

    public static Mat3 operator *(Mat3 a, Mat3 b) => new(
        (a.M00 * b.M00) + (a.M01 * b.M10) + (a.M02 * b.M20), (a.M00 * b.M01) + (a.M01 * b.M11) + (a.M02 * b.M21), (a.M00 * b.M02) + (a.M01 * b.M12) + (a.M02 * b.M22),
        (a.M10 * b.M00) + (a.M11 * b.M10) + (a.M12 * b.M20), (a.M10 * b.M01) + (a.M11 * b.M11) + (a.M12 * b.M21), (a.M10 * b.M02) + (a.M11 * b.M12) + (a.M12 * b.M22),
        (a.M20 * b.M00) + (a.M21 * b.M10) + (a.M22 * b.M20), (a.M20 * b.M01) + (a.M21 * b.M11) + (a.M22 * b.M21), (a.M20 * b.M02) + (a.M21 * b.M12) + (a.M22 * b.M22));

    public static Mat3 Multiply(Mat3 a, Mat3 b) => a * b;

    /// <summary>Bounding half-extents of a box with half-extents <paramref name="h"/> after this rotation.</summary>
    public Vec3 RotatedExtents(Vec3 h) => new(
        (Math.Abs(M00) * h.X) + (Math.Abs(M01) * h.Y) + (Math.Abs(M02) * h.Z),
        (Math.Abs(M10) * h.X) + (Math.Abs(M11) * h.Y) + (Math.Abs(M12) * h.Z),
        (Math.Abs(M20) * h.X) + (Math.Abs(M21) * h.Y) + (Math.Abs(M22) * h.Z));
}
