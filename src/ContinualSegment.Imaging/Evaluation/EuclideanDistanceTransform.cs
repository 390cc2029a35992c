namespace ContinualSegment.Imaging.Evaluation;

/// <summary>
/// Exact squared Euclidean distance transform with anisotropic spacing (Felzenszwalb–Huttenlocher:
/// one lower-envelope-of-parabolas pass per axis).
/// </summary>
public static class EuclideanDistanceTransform
{
    /// <summary>
    /// Returns, for every voxel of an sx×sy×sz grid (x fastest), the squared distance in mm² to the nearest
    /// feature voxel; +∞ everywhere when there is no feature.
    /// </summary>
    public static double[] SquaredDistance(bool[] feature, int sx, int sy, int sz, Vec3 spacing)
    {
        ArgumentNullException.ThrowIfNull(feature);
        if ((long)sx * sy * sz != feature.Length)
        {
            throw new ArgumentException("Feature length does not match the grid.", nameof(feature));
        }

        double[] d = new double[feature.Length];
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = feature[i] ? 0.0 : double.PositiveInfinity;
        }

        int maxN = Math.Max(sx, Math.Max(sy, sz));
        double[] f = new double[maxN], outBuf = new double[maxN], zb = new double[maxN + 1];
        int[] v = new int[maxN];

        // x
        for (int z = 0; z < sz; z++)
        {
            for (int y = 0; y < sy; y++)
            {
                int b = sx * (y + (sy * z));
                for (int x = 0; x < sx; x++) { f[x] = d[b + x]; }
                Pass(f, sx, spacing.X, outBuf, v, zb);
                for (int x = 0; x < sx; x++) { d[b + x] = outBuf[x]; }
            }
        }

        // y
        for (int z = 0; z < sz; z++)
        {
            for (int x = 0; x < sx; x++)
            {
                int b = x + (sx * sy * z);
                for (int y = 0; y < sy; y++) { f[y] = d[b + (sx * y)]; }
                Pass(f, sy, spacing.Y, outBuf, v, zb);
                for (int y = 0; y < sy; y++) { d[b + (sx * y)] = outBuf[y]; }
            }
        }

        // z
        int plane = sx * sy;
        for (int i = 0; i < plane; i++)
        {
            for (int z = 0; z < sz; z++) { f[z] = d[i + (plane * z)]; }
            Pass(f, sz, spacing.Z, outBuf, v, zb);
            for (int z = 0; z < sz; z++) { d[i + (plane * z)] = outBuf[z]; }
        }

        return d;
    }

    /// <summary>1D pass: out[p] = min_q ((p−q)·h)² + f[q].</summary>
    private static void Pass(double[] f, int n, double h, double[] result, int[] v, double[] z)
    {
        int k = -1;
        for (int q = 0; q < n; q++)
        {
            if (double.IsPositiveInfinity(f[q]))
            {
                continue;
            }

            double pq = q * h;
            if (k < 0)
            {
                k = 0;
                v[0] = q;
                z[0] = double.NegativeInfinity;
                z[1] = double.PositiveInfinity;
                continue;
            }

            double s;
            while (true)
            {
                double pv = v[k] * h;
                s = ((f[q] + (pq * pq)) - (f[v[k]] + (pv * pv))) / (2 * (pq - pv));
                if (s <= z[k] && k > 0)
                {
                    k--;
                    continue;
                }

                break;
            }

            if (s <= z[k])
            {
                // k == 0 and the new parabola dominates everywhere.
                v[0] = q;
                z[0] = double.NegativeInfinity;
                z[1] = double.PositiveInfinity;
                continue;
            }

            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = double.PositiveInfinity;
        }

        if (k < 0)
        {
            Array.Fill(result, double.PositiveInfinity, 0, n);
            return;
        }

        int j = 0;
        for (int p = 0; p < n; p++)
        {
            double pp = p * h;
            while (z[j + 1] < pp)
            {
                j++;
            }

            double dv = (p - v[j]) * h;
            result[p] = (dv * dv) + f[v[j]];
        }
    }
}
