using ContinualSegment.Imaging;
using ContinualSegment.Phantom.Shapes;

namespace ContinualSegment.Phantom;

/// <summary>
/// Paints the parts into a structure map at voxel centres (slice-parallel, deterministic: every slice
/// is independent), then forms HU with partial volume: voxels on a boundary are supersampled 2×2×2.
/// </summary>
internal sealed class Rasterizer
{
    private const float MinContrastHu = 15f;
    private readonly SubjectMapping map;
    private readonly Affine3D grid;
    private readonly int sx, sy, sz;
    private readonly double[] xs, ys, zs;
    private readonly double[] f0y, g0z, f1x, g1z, f2x, g2y;
    private readonly int maxParallel;

    public Rasterizer(SubjectMapping map, Affine3D grid, int sx, int sy, int sz, int maxParallel)
    {
        this.map = map;
        this.grid = grid;
        this.sx = sx;
        this.sy = sy;
        this.sz = sz;
        this.maxParallel = maxParallel;
        Owner = new ushort[sx * sy * sz];
        xs = new double[sx];
        ys = new double[sy];
        zs = new double[sz];
        for (int i = 0; i < sx; i++) { xs[i] = grid.Origin.X + (i * grid.Spacing.X); }
        for (int j = 0; j < sy; j++) { ys[j] = grid.Origin.Y + (j * grid.Spacing.Y); }
        for (int k = 0; k < sz; k++) { zs[k] = grid.Origin.Z + (k * grid.Spacing.Z); }
        f0y = ys.Select(y => map.F(0, y)).ToArray();
        g0z = zs.Select(z => map.G(0, z)).ToArray();
        f1x = xs.Select(x => map.F(1, x)).ToArray();
        g1z = zs.Select(z => map.G(1, z)).ToArray();
        f2x = xs.Select(x => map.F(2, x)).ToArray();
        g2y = ys.Select(y => map.G(2, y)).ToArray();
    }

    public ushort[] Owner { get; }

    public Vec3 WorldAt(int i, int j, int k) => new(xs[i], ys[j], zs[k]);

    public Vec3 WorldOfIndex(int index)
    {
        int plane = sx * sy;
        int k = index / plane, rem = index - (k * plane);
        return WorldAt(rem % sx, rem / sx, k);
    }

    public bool TryIndex(Vec3 world, out int index)
    {
        int i = (int)Math.Round((world.X - grid.Origin.X) / grid.Spacing.X);
        int j = (int)Math.Round((world.Y - grid.Origin.Y) / grid.Spacing.Y);
        int k = (int)Math.Round((world.Z - grid.Origin.Z) / grid.Spacing.Z);
        index = i + (sx * (j + (sy * k)));
        return (uint)i < (uint)sx && (uint)j < (uint)sy && (uint)k < (uint)sz;
    }

    /// <summary>Paints the parts in order (later parts win).</summary>
    public void Paint(IReadOnlyList<AnatomyPart> parts, CancellationToken cancellationToken)
    {
        var ranges = parts.Select(IndexRange).ToArray();
        var po = new ParallelOptions { MaxDegreeOfParallelism = maxParallel, CancellationToken = cancellationToken };
        Parallel.For(0, sz, po, k =>
        {
            double[] wy = new double[sx];
            for (int i = 0; i < sx; i++) { wy[i] = f1x[i] * g1z[k]; }
            Vec3 stepI = map.M.Apply(new Vec3(grid.Spacing.X, 0, 0));
            for (int pi = 0; pi < parts.Count; pi++)
            {
                (int i0, int i1, int j0, int j1, int k0, int k1) = ranges[pi];
                if (k < k0 || k > k1 || i0 > i1)
                {
                    continue;
                }

                AnatomyPart part = parts[pi];
                IShape shape = part.Shape;
                for (int j = j0; j <= j1; j++)
                {
                    int row = sx * (j + (sy * k));
                    if (part.WorldSpace)
                    {
                        for (int i = i0; i <= i1; i++)
                        {
                            if (shape.Contains(new Vec3(xs[i], ys[j], zs[k])))
                            {
                                Owner[row + i] = part.Id;
                            }
                        }

                        continue;
                    }

                    Vec3 q0 = map.M.Apply(new Vec3(xs[i0], ys[j], zs[k]) - map.T);
                    double wx = f0y[j] * g0z[k], g2 = g2y[j];
                    for (int i = i0; i <= i1; i++)
                    {
                        double t = i - i0;
                        var q = new Vec3(q0.X + (stepI.X * t) + wx, q0.Y + (stepI.Y * t) + wy[i], q0.Z + (stepI.Z * t) + (f2x[i] * g2));
                        if ((part.OnlyOver == 0 || Owner[row + i] == part.OnlyOver) && shape.Contains(q))
                        {
                            Owner[row + i] = part.Id;
                        }
                    }
                }
            }
        });
    }

    /// <summary>HU per voxel; boundary voxels average eight sub-samples resolved by painter's priority.</summary>
    public float[] FormImage(IReadOnlyList<AnatomyPart> parts, float[] hu, bool partialVolume, CancellationToken cancellationToken)
    {
        float[] img = new float[Owner.Length];
        var byId = new List<int>[TissueIds.Count];
        for (int p = parts.Count - 1; p >= 0; p--)
        {
            (byId[parts[p].Id] ??= []).Add(p);
        }

        int[][] partsOf = byId.Select(l => l?.ToArray() ?? []).ToArray();
        var po = new ParallelOptions { MaxDegreeOfParallelism = maxParallel, CancellationToken = cancellationToken };
        int plane = sx * sy;
        var subOffsets = new Vec3[8];
        var subCanonical = new Vec3[8];
        for (int s = 0; s < 8; s++)
        {
            subOffsets[s] = new Vec3(
                ((s & 1) == 0 ? -0.25 : 0.25) * grid.Spacing.X,
                ((s & 2) == 0 ? -0.25 : 0.25) * grid.Spacing.Y,
                ((s & 4) == 0 ? -0.25 : 0.25) * grid.Spacing.Z);
            subCanonical[s] = map.M.Apply(subOffsets[s]);
        }

        Parallel.For(0, sz, po, k =>
        {
            Span<ushort> cand = stackalloc ushort[7];
            for (int j = 0; j < sy; j++)
            {
                for (int i = 0; i < sx; i++)
                {
                    int idx = i + (sx * j) + (plane * k);
                    ushort o = Owner[idx];
                    if (!partialVolume)
                    {
                        img[idx] = hu[o];
                        continue;
                    }

                    int n = 0;
                    cand[n++] = o;
                    AddCand(cand, ref n, i > 0 ? Owner[idx - 1] : o);
                    AddCand(cand, ref n, i < sx - 1 ? Owner[idx + 1] : o);
                    AddCand(cand, ref n, j > 0 ? Owner[idx - sx] : o);
                    AddCand(cand, ref n, j < sy - 1 ? Owner[idx + sx] : o);
                    AddCand(cand, ref n, k > 0 ? Owner[idx - plane] : o);
                    AddCand(cand, ref n, k < sz - 1 ? Owner[idx + plane] : o);
                    float lo = hu[o], hi = hu[o];
                    for (int c = 1; c < n; c++)
                    {
                        lo = Math.Min(lo, hu[cand[c]]);
                        hi = Math.Max(hi, hu[cand[c]]);
                    }

                    // Interfaces between tissues of nearly equal CT number need no sub-sampling.
                    if (hi - lo < MinContrastHu)
                    {
                        img[idx] = hu[o];
                        continue;
                    }

                    // The deformation is smooth on the scale of a voxel: reuse the centre's warp for the sub-samples.
                    Vec3 centreWorld = new(xs[i], ys[j], zs[k]);
                    Vec3 centreCanonical = map.M.Apply(centreWorld - map.T)
                        + new Vec3(f0y[j] * g0z[k], f1x[i] * g1z[k], f2x[i] * g2y[j]);
                    double sum = 0;
                    for (int s = 0; s < 8; s++)
                    {
                        Vec3 off = subOffsets[s];
                        sum += hu[Resolve(parts, partsOf, cand[..n], centreWorld + off, centreCanonical + subCanonical[s], o)];
                    }

                    img[idx] = (float)(sum / 8);
                }
            }
        });

        return img;
    }

    private static void AddCand(Span<ushort> c, ref int n, ushort v)
    {
        for (int i = 0; i < n; i++)
        {
            if (c[i] == v)
            {
                return;
            }
        }

        c[n++] = v;
    }

    private static ushort Resolve(IReadOnlyList<AnatomyPart> parts, int[][] partsOf, ReadOnlySpan<ushort> cand, Vec3 world, Vec3 canonical, ushort self)
    {
        int best = -1;
        ushort owner = self;
        bool airCandidate = false;
        foreach (ushort c in cand)
        {
            if (c == TissueIds.Air)
            {
                airCandidate = true;
                continue;
            }

            foreach (int p in partsOf[c])
            {
                if (p <= best)
                {
                    break;
                }

                AnatomyPart part = parts[p];
                if (part.Shape.Contains(part.WorldSpace ? world : canonical))
                {
                    best = p;
                    owner = c;
                    break;
                }
            }
        }

        return best < 0 && airCandidate ? TissueIds.Air : owner;
    }

    private (int, int, int, int, int, int) IndexRange(AnatomyPart part)
    {
        Box3 b = part.Shape.Bounds;
        if (!b.IsFinite)
        {
            return (0, sx - 1, 0, sy - 1, 0, sz - 1);
        }

        Box3 w = part.WorldSpace ? b : map.WorldBounds(b);
        int Lo(double v, double o, double s, int n) => Math.Clamp((int)Math.Floor((v - o) / s), 0, n);
        int Hi(double v, double o, double s, int n) => Math.Clamp((int)Math.Ceiling((v - o) / s), -1, n - 1);
        Vec3 o = grid.Origin, s = grid.Spacing;
        int i0 = Lo(w.Min.X, o.X, s.X, sx), i1 = Hi(w.Max.X, o.X, s.X, sx);
        int j0 = Lo(w.Min.Y, o.Y, s.Y, sy), j1 = Hi(w.Max.Y, o.Y, s.Y, sy);
        int k0 = Lo(w.Min.Z, o.Z, s.Z, sz), k1 = Hi(w.Max.Z, o.Z, s.Z, sz);
        if (i0 > i1 || j0 > j1 || k0 > k1)
        {
            return (1, 0, 1, 0, 1, 0);
        }

        return (i0, i1, j0, j1, k0, k1);
    }
}
