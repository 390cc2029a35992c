namespace ContinualSegment.Imaging.Evaluation;

/// <summary>
/// Overlap and surface metrics of two binary masks on the same grid.
/// Surface voxels: foreground voxels with a 6-neighbour that is background or outside the grid.
/// Surface distances are voxel-centre distances in millimetres (spacing-aware).
/// HD95 = max of the two directed 95th percentiles (percentile with linear interpolation).
/// Normalised surface Dice at tolerance τ = (|{a∈∂A: d(a,∂B) ≤ τ}| + |{b∈∂B: d(b,∂A) ≤ τ}|) / (|∂A| + |∂B|).
/// Conventions for empty masks: both empty → Dice 1, NSD 1, HD95 0; one empty → Dice 0, NSD 0, HD95 undefined (NaN).
/// </summary>
public static class SegmentationMetrics
{
    public static double Dice(ReadOnlySpan<bool> a, ReadOnlySpan<bool> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("Masks differ in length.", nameof(b));
        }

        long na = 0, nb = 0, both = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i]) { na++; }
            if (b[i]) { nb++; }
            if (a[i] && b[i]) { both++; }
        }

        return na + nb == 0 ? 1.0 : 2.0 * both / (na + nb);
    }

    /// <summary>Surface mask of a binary mask.</summary>
    public static bool[] Surface(bool[] mask, int sx, int sy, int sz)
    {
        ArgumentNullException.ThrowIfNull(mask);
        bool[] s = new bool[mask.Length];
        int plane = sx * sy;
        for (int z = 0; z < sz; z++)
        {
            for (int y = 0; y < sy; y++)
            {
                for (int x = 0; x < sx; x++)
                {
                    int i = x + (sx * y) + (plane * z);
                    if (!mask[i])
                    {
                        continue;
                    }

                    s[i] = x == 0 || x == sx - 1 || y == 0 || y == sy - 1 || z == 0 || z == sz - 1
                        || !mask[i - 1] || !mask[i + 1] || !mask[i - sx] || !mask[i + sx] || !mask[i - plane] || !mask[i + plane];
                }
            }
        }

        return s;
    }

    /// <summary>Directed surface distances (mm) from each surface voxel of A to the surface of B, both sides.</summary>
    public static (double[] AtoB, double[] BtoA) SurfaceDistances(bool[] a, bool[] b, int sx, int sy, int sz, Vec3 spacing)
    {
        bool[] sa = Surface(a, sx, sy, sz);
        bool[] sb = Surface(b, sx, sy, sz);
        double[] db = EuclideanDistanceTransform.SquaredDistance(sb, sx, sy, sz, spacing);
        double[] da = EuclideanDistanceTransform.SquaredDistance(sa, sx, sy, sz, spacing);
        return (Collect(sa, db), Collect(sb, da));
    }

    /// <summary>Computes all metrics for two masks (cropping to their joint bounding box first).</summary>
    public static MaskScores Compute(bool[] truth, bool[] prediction, int sx, int sy, int sz, Vec3 spacing, IReadOnlyList<double> tolerancesMm)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(tolerancesMm);
        double dice = Dice(truth, prediction);
        long nt = truth.LongCount(v => v), np = prediction.LongCount(v => v);
        double[] nsd = new double[tolerancesMm.Count];
        if (nt == 0 && np == 0)
        {
            Array.Fill(nsd, 1.0);
            return new MaskScores(dice, 0, nsd, 0, 0);
        }

        if (nt == 0 || np == 0)
        {
            return new MaskScores(dice, double.NaN, nsd, nt, np);
        }

        // Crop to the joint bounding box plus one voxel so grid-border surfaces stay as they are.
        (int x0, int y0, int z0, int x1, int y1, int z1) = JointBox(truth, prediction, sx, sy, sz);
        int cx = x1 - x0 + 1, cy = y1 - y0 + 1, cz = z1 - z0 + 1;
        bool[] ct = Crop(truth, sx, sy, x0, y0, z0, cx, cy, cz);
        bool[] cp = Crop(prediction, sx, sy, x0, y0, z0, cx, cy, cz);
        (double[] tp, double[] pt) = SurfaceDistances(ct, cp, cx, cy, cz, spacing);
        double hd95 = Math.Max(Percentile(tp, 95), Percentile(pt, 95));
        for (int t = 0; t < nsd.Length; t++)
        {
            double tol = tolerancesMm[t];
            long ok = tp.LongCount(d => d <= tol) + pt.LongCount(d => d <= tol);
            nsd[t] = (double)ok / (tp.Length + pt.Length);
        }

        return new MaskScores(dice, hd95, nsd, nt, np);
    }

    /// <summary>Percentile with linear interpolation between order statistics (numpy's default).</summary>
    public static double Percentile(double[] values, double percent)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0)
        {
            return double.NaN;
        }

        double[] s = (double[])values.Clone();
        Array.Sort(s);
        double rank = percent / 100.0 * (s.Length - 1);
        int lo = (int)Math.Floor(rank);
        int hi = Math.Min(lo + 1, s.Length - 1);
        double frac = rank - lo;
        return s[lo] + ((s[hi] - s[lo]) * frac);
    }

    private static (int, int, int, int, int, int) JointBox(bool[] a, bool[] b, int sx, int sy, int sz)
    {
        int x0 = int.MaxValue, y0 = int.MaxValue, z0 = int.MaxValue, x1 = -1, y1 = -1, z1 = -1;
        int i = 0;
        for (int z = 0; z < sz; z++)
        {
            for (int y = 0; y < sy; y++)
            {
                for (int x = 0; x < sx; x++, i++)
                {
                    if (a[i] || b[i])
                    {
                        x0 = Math.Min(x0, x); x1 = Math.Max(x1, x);
                        y0 = Math.Min(y0, y); y1 = Math.Max(y1, y);
                        z0 = Math.Min(z0, z); z1 = Math.Max(z1, z);
                    }
                }
            }
        }

        // Pad by one voxel inside the grid; at the grid border there is nothing to pad, and Surface()
        // treats the crop border as surface, which matches the uncropped rule (outside = background).
        return (Math.Max(0, x0 - 1), Math.Max(0, y0 - 1), Math.Max(0, z0 - 1),
            Math.Min(sx - 1, x1 + 1), Math.Min(sy - 1, y1 + 1), Math.Min(sz - 1, z1 + 1));
    }

    private static bool[] Crop(bool[] m, int sx, int sy, int x0, int y0, int z0, int cx, int cy, int cz)
    {
        bool[] r = new bool[cx * cy * cz];
        for (int z = 0; z < cz; z++)
        {
            for (int y = 0; y < cy; y++)
            {
                Array.Copy(m, x0 + (sx * (y0 + y + (sy * (z0 + z)))), r, cx * (y + (cy * z)), cx);
            }
        }

        return r;
    }

    private static double[] Collect(bool[] surface, double[] squared)
    {
        var list = new List<double>();
        for (int i = 0; i < surface.Length; i++)
        {
            if (surface[i])
            {
                list.Add(Math.Sqrt(squared[i]));
            }
        }

        return [.. list];
    }
}
