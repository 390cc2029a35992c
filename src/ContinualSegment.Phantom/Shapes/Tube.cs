using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Shapes;

/// <summary>
/// A swept sphere along a polyline whose radius varies linearly along each segment
/// (union of tapered capsules). Segments are bucketed along z for fast inside tests.
/// </summary>
internal sealed class Tube : IShape
{
    private const double BucketMm = 8.0;
    private readonly Vec3[] p;
    private readonly double[] r;
    private readonly Box3[] segBox;
    private readonly int[][] buckets;
    private readonly double z0;

    public Tube(IReadOnlyList<Vec3> points, IReadOnlyList<double> radii)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(radii);
        if (points.Count < 2 || points.Count != radii.Count)
        {
            throw new ArgumentException("A tube needs at least two points and one radius per point.", nameof(points));
        }

        p = [.. points];
        r = [.. radii];
        segBox = new Box3[p.Length - 1];
        Box3 all = Box3.Empty;
        for (int s = 0; s < segBox.Length; s++)
        {
            double rr = Math.Max(r[s], r[s + 1]);
            var b = new Box3(p[s], p[s]).Union(new Box3(p[s + 1], p[s + 1])).Expand(rr);
            segBox[s] = b;
            all = all.Union(b);
        }

        Bounds = all;
        z0 = all.Min.Z;
        int nb = Math.Max(1, (int)Math.Ceiling((all.Max.Z - all.Min.Z) / BucketMm));
        var lists = new List<int>[nb];
        for (int i = 0; i < nb; i++)
        {
            lists[i] = [];
        }

        for (int s = 0; s < segBox.Length; s++)
        {
            int b0 = Math.Clamp((int)((segBox[s].Min.Z - z0) / BucketMm), 0, nb - 1);
            int b1 = Math.Clamp((int)((segBox[s].Max.Z - z0) / BucketMm), 0, nb - 1);
            for (int b = b0; b <= b1; b++)
            {
                lists[b].Add(s);
            }
        }

        buckets = lists.Select(l => l.ToArray()).ToArray();
    }

    public Tube(IReadOnlyList<Vec3> points, double radius)
        : this(points, Enumerable.Repeat(radius, points?.Count ?? 0).ToArray())
    {
    }

    public Box3 Bounds { get; }

    public IReadOnlyList<Vec3> Points => p;

    public bool Contains(Vec3 p)
    {
        if (!Bounds.Contains(p))
        {
            return false;
        }

        int b = Math.Clamp((int)((p.Z - z0) / BucketMm), 0, buckets.Length - 1);
        foreach (int s in buckets[b])
        {
            if (!segBox[s].Contains(p))
            {
                continue;
            }

            Vec3 a = this.p[s], d = this.p[s + 1] - a, ap = p - a;
            double len2 = d.Dot(d);
            double t = len2 > 0 ? Math.Clamp(ap.Dot(d) / len2, 0, 1) : 0;
            Vec3 q = ap - (d * t);
            double r = this.r[s] + ((this.r[s + 1] - this.r[s]) * t);
            if (q.Dot(q) <= r * r)
            {
                return true;
            }
        }

        return false;
    }
}
