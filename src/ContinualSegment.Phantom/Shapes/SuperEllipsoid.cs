using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Shapes;

/// <summary>
/// |u/a|^e + |v/b|^e + |w/c|^e ≤ 1 in the local frame (u, v, w) = Rᵀ(p − centre); e = 2 is an ellipsoid,
/// larger exponents give boxier solids.
/// </summary>
internal sealed class SuperEllipsoid : IShape
{
    private readonly Vec3 _c;
    private readonly Mat3 _inv;
    private readonly double _ia, _ib, _ic, _e;
    private readonly bool _rotated;

    public SuperEllipsoid(Vec3 centre, Vec3 radii, Mat3 rotation, double exponent = 2.0)
    {
        if (radii.X <= 0 || radii.Y <= 0 || radii.Z <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(radii), "Radii must be positive.");
        }

        _c = centre;
        Radii = radii;
        _inv = rotation.Transpose();
        _rotated = rotation != Mat3.Identity;
        _ia = 1 / radii.X;
        _ib = 1 / radii.Y;
        _ic = 1 / radii.Z;
        _e = exponent;
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

        Vec3 d = p - _c;
        if (_rotated)
        {
            d = _inv.Apply(d);
        }

        double u = d.X * _ia, v = d.Y * _ib, w = d.Z * _ic;
        if (_e == 2.0)
        {
            return (u * u) + (v * v) + (w * w) <= 1.0;
        }

        return Math.Pow(Math.Abs(u), _e) + Math.Pow(Math.Abs(v), _e) + Math.Pow(Math.Abs(w), _e) <= 1.0;
    }
}
