using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Shapes;

/// <summary>
/// A solid whose axial cross-sections are superellipses interpolated linearly between key sections
/// (body outline, limbs); <c>inset</c> shrinks every cross-section by a fixed distance (tissue layers).
/// </summary>
internal sealed class SweptContour : IShape
{
    private readonly ContourKey[] _keys;
    private readonly double _inset;
    private readonly ContourKey[] _table;
    private readonly double _tableZ0;

    public SweptContour(IReadOnlyList<ContourKey> keys, double inset = 0)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count < 2)
        {
            throw new ArgumentException("Need at least two key sections.", nameof(keys));
        }

        _keys = [.. keys.OrderBy(k => k.Z)];
        _inset = inset;
        double minX = _keys.Min(k => k.CentreX - k.RadiusX), maxX = _keys.Max(k => k.CentreX + k.RadiusX);
        double minY = _keys.Min(k => k.CentreY - k.RadiusY), maxY = _keys.Max(k => k.CentreY + k.RadiusY);
        Bounds = new Box3(new Vec3(minX, minY, _keys[0].Z), new Vec3(maxX, maxY, _keys[^1].Z));
        _tableZ0 = _keys[0].Z;
        int n = (int)Math.Ceiling(_keys[^1].Z - _tableZ0) + 1;
        _table = new ContourKey[n];
        for (int i = 0; i < n; i++)
        {
            _table[i] = SectionAt(Math.Min(_tableZ0 + i, _keys[^1].Z)) ?? default;
        }
    }

    public Box3 Bounds { get; }

    /// <summary>The interpolated cross-section at height z (radii already inset), or null outside the z range.</summary>
    public ContourKey? SectionAt(double z)
    {
        if (z < _keys[0].Z || z > _keys[^1].Z)
        {
            return null;
        }

        int i = 0;
        while (i < _keys.Length - 2 && z > _keys[i + 1].Z)
        {
            i++;
        }

        ContourKey a = _keys[i], b = _keys[i + 1];
        double t = b.Z > a.Z ? (z - a.Z) / (b.Z - a.Z) : 0;
        double L(double u, double v) => u + ((v - u) * t);
        return new ContourKey(z, L(a.CentreX, b.CentreX), L(a.CentreY, b.CentreY),
            L(a.RadiusX, b.RadiusX) - _inset, L(a.RadiusY, b.RadiusY) - _inset, L(a.Exponent, b.Exponent));
    }

    public bool Contains(Vec3 p)
    {
        if (!Bounds.Contains(p))
        {
            return false;
        }

        int ti = (int)(p.Z - _tableZ0);
        if ((uint)ti >= (uint)_table.Length)
        {
            return false;
        }

        ContourKey k = _table[ti];
        if (k.RadiusX <= 0 || k.RadiusY <= 0)
        {
            return false;
        }

        double u = Math.Abs((p.X - k.CentreX) / k.RadiusX), v = Math.Abs((p.Y - k.CentreY) / k.RadiusY);
        if (u > 1 || v > 1)
        {
            return false;
        }

        return k.Exponent == 2.0 ? (u * u) + (v * v) <= 1 : Math.Pow(u, k.Exponent) + Math.Pow(v, k.Exponent) <= 1;
    }
}
