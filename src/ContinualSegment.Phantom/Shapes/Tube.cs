using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Shapes;

/// <summary>
/// A swept sphere along a polyline whose radius varies linearly along each segment
/// (union of tapered capsules). Segments are bucketed along z for fast inside tests.
/// </summary>
internal sealed class Tube : IShape
{
    private const double BucketMm = 8.0;
    private readonly Vec3[] _p;
    private readonly double[] _r;
    private readonly Box3[] _segBox;
    private readonly int[][] _buckets;
    private readonly double _z0;

    public Tube(IReadOnlyList<Vec3> points, IReadOnlyList<double> radii)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(radii);
        if (points.Count < 2 || points.Count != radii.Count)
        {
            throw new ArgumentException("A tube needs at least two points and one radius per point.", nameof(points));
        }

        _p = [.. points];
        _r = [.. radii];
        _segBox = new Box3[_p.Length - 1];
        Box3 all = Box3.Empty;
        for (int s = 0; s < _segBox.Length; s++)
        {
            double rr = Math.Max(_r[s], _r[s + 1]);
            var b = new Box3(_p[s], _p[s]).Union(new Box3(_p[s + 1], _p[s + 1])).Expand(rr);
            _segBox[s] = b;
            all = all.Union(b);
        }

        Bounds = all;
        _z0 = all.Min.Z;
        int nb = Math.Max(1, (int)Math.Ceiling((all.Max.Z - all.Min.Z) / BucketMm));
        var lists = new List<int>[nb];
        for (int i = 0; i < nb; i++)
        {
            lists[i] = [];
        }

        for (int s = 0; s < _segBox.Length; s++)
        {
            int b0 = Math.Clamp((int)((_segBox[s].Min.Z - _z0) / BucketMm), 0, nb - 1);
            int b1 = Math.Clamp((int)((_segBox[s].Max.Z - _z0) / BucketMm), 0, nb - 1);
            for (int b = b0; b <= b1; b++)
            {
                lists[b].Add(s);
            }
        }

        _buckets = lists.Select(l => l.ToArray()).ToArray();
    }

    public Tube(IReadOnlyList<Vec3> points, double radius)
        : this(points, Enumerable.Repeat(radius, points?.Count ?? 0).ToArray())
    {
    }

    public Box3 Bounds { get; }

    public IReadOnlyList<Vec3> Points => _p;

    public bool Contains(Vec3 p)
    {
        if (!Bounds.Contains(p))
        {
            return false;
        }

        int b = Math.Clamp((int)((p.Z - _z0) / BucketMm), 0, _buckets.Length - 1);
        foreach (int s in _buckets[b])
        {
            if (!_segBox[s].Contains(p))
            {
                continue;
            }

            Vec3 a = _p[s], d = _p[s + 1] - a, ap = p - a;
            double len2 = d.Dot(d);
            double t = len2 > 0 ? Math.Clamp(ap.Dot(d) / len2, 0, 1) : 0;
            Vec3 q = ap - (d * t);
            double r = _r[s] + ((_r[s + 1] - _r[s]) * t);
            if (q.Dot(q) <= r * r)
            {
                return true;
            }
        }

        return false;
    }
}
