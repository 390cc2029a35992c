using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Shapes;

/// <summary>
/// |u/a|^e + |v/b|^e + |w/c|^e ≤ 1 in the local frame (u, v, w) = Rᵀ(p − centre); e = 2 is an ellipsoid,
/// larger exponents give boxier solids.
/// </summary>
internal sealed class SuperEllipsoid : IShape
{
    private readonly Vec3 c;
    private readonly Mat3 inv;
    private readonly double ia, ib, ic, e;
    private readonly bool rotated;

    public SuperEllipsoid(Vec3 centre, Vec3 radii, Mat3 rotation, double exponent = 2.0)
    {
        if (radii.X <= 0 || radii.Y <= 0 || radii.Z <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(radii), "Radii must be positive.");
        }

        c = centre;
        Radii = radii;
        inv = rotation.Transpose();
        rotated = rotation != Mat3.Identity;
        ia = 1 / radii.X;
        ib = 1 / radii.Y;
        ic = 1 / radii.Z;
        e = exponent;
        Vec3 ext = rotation.RotatedExtents(radii);
        Bounds = new Box3(centre - ext, centre + ext);
    }

    public SuperEllipsoid(Vec3 centre, Vec3 radii)
        : this(centre, radii, Mat3.Identity)
    {
    }

    public Vec3 Radii { get; }

    public Box3 Bounds { get; }

    public bool Contains(Vec3 p)
    {
        if (!Bounds.Contains(p))
        {
            return false;
        }

        Vec3 d = p - c;
        if (rotated)
        {
            d = inv.Apply(d);
        }

        double u = d.X * ia, v = d.Y * ib, w = d.Z * ic;
        if (e == 2.0)
        {
            return (u * u) + (v * v) + (w * w) <= 1.0;
        }

        return Math.Pow(Math.Abs(u), e) + Math.Pow(Math.Abs(v), e) + Math.Pow(Math.Abs(w), e) <= 1.0;
    }
}
