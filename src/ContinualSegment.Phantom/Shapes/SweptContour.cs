using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Shapes;

/// <summary>
/// A solid whose axial cross-sections are superellipses interpolated linearly between key sections
/// (body outline, limbs); <c>inset</c> shrinks every cross-section by a fixed distance (tissue layers).
/// </summary>
internal sealed class SweptContour : IShape
{
    private readonly ContourKey[] keys;
    private readonly double inset;
    private readonly ContourKey[] table;
    private readonly double tableZ0;

    public SweptContour(IReadOnlyList<ContourKey> keys, double inset = 0)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count < 2)
        {
            throw new ArgumentException("Need at least two key sections.", nameof(keys));
        }

        this.keys = [.. keys.OrderBy(k => k.Z)];
        this.inset = inset;
        double minX = this.keys.Min(k => k.CentreX - k.RadiusX), maxX = this.keys.Max(k => k.CentreX + k.RadiusX);
        double minY = this.keys.Min(k => k.CentreY - k.RadiusY), maxY = this.keys.Max(k => k.CentreY + k.RadiusY);
        Bounds = new Box3(new Vec3(minX, minY, this.keys[0].Z), new Vec3(maxX, maxY, this.keys[^1].Z));
        tableZ0 = this.keys[0].Z;
        int n = (int)Math.Ceiling(this.keys[^1].Z - tableZ0) + 1;
        table = new ContourKey[n];
        for (int i = 0; i < n; i++)
        {
            table[i] = SectionAt(Math.Min(tableZ0 + i, this.keys[^1].Z)) ?? default;
        }
    }

    public Box3 Bounds { get; }

    /// <summary>The interpolated cross-section at height z (radii already inset), or null outside the z range.</summary>
    public ContourKey? SectionAt(double z)
    {
        if (z < keys[0].Z || z > keys[^1].Z)
        {
            return null;
        }

        int i = 0;
        while (i < keys.Length - 2 && z > keys[i + 1].Z)
        {
            i++;
        }

        ContourKey a = keys[i], b = keys[i + 1];
        double t = b.Z > a.Z ? (z - a.Z) / (b.Z - a.Z) : 0;
        double L(double u, double v) => u + ((v - u) * t);
        return new ContourKey(z, L(a.CentreX, b.CentreX), L(a.CentreY, b.CentreY),
            L(a.RadiusX, b.RadiusX) - inset, L(a.RadiusY, b.RadiusY) - inset, L(a.Exponent, b.Exponent));
    }

    public bool Contains(Vec3 p)
    {
        if (!Bounds.Contains(p))
        {
            return false;
        }

        int ti = (int)(p.Z - tableZ0);
        if ((uint)ti >= (uint)table.Length)
        {
            return false;
        }

        ContourKey k = table[ti];
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
