namespace ContinualSegment.Imaging.Series;

/// <summary>
/// Resamples a stack of parallel slices (sorted along their normal, possibly sheared by gantry tilt or unevenly spaced)
/// onto the regular orthogonal grid of the target volume: bilinear within each slice, linear between the two slices
/// that bracket the output slice.
/// </summary>
internal static class SliceResampler
{
    public static void Resample(IReadOnlyList<SliceHeader> slices, IReadOnlyList<float[]> planes, Volume<float> target, float outside, double tolerance)
    {
        Affine3D g = target.Geometry;
        Vec3 origin = g.Origin;
        int nx = target.SizeX, ny = target.SizeY;
        int sx = slices[0].Columns, sy = slices[0].Rows;
        double[] t = [.. slices.Select(s => (s.Position - origin).Dot(g.AxisK))];
        for (int k = 0; k < target.SizeZ; k++)
        {
            Span<float> dst = target.Slice(k);
            double s = k * g.Spacing.Z;
            if (s < t[0] - tolerance || s > t[^1] + tolerance)
            {
                dst.Fill(outside);
                continue;
            }

            int a = 0;
            while (a < t.Length - 1 && t[a + 1] <= s)
            {
                a++;
            }

            int b = Math.Min(a + 1, t.Length - 1);
            double w = b == a || t[b] - t[a] <= 0 ? 0 : Math.Clamp((s - t[a]) / (t[b] - t[a]), 0, 1);
            if (Math.Abs(s - t[a]) <= tolerance)
            {
                w = 0;
            }
            else if (Math.Abs(t[b] - s) <= tolerance)
            {
                a = b;
                w = 0;
            }

            (double ax, double ay) = Offset(slices[a], origin, g);
            (double bx, double by) = Offset(slices[b], origin, g);
            for (int y = 0; y < ny; y++)
            {
                for (int x = 0; x < nx; x++)
                {
                    float va = Sample(planes[a], sx, sy, x + ax, y + ay, outside);
                    float value = va;
                    if (w > 0)
                    {
                        float vb = Sample(planes[b], sx, sy, x + bx, y + by, outside);
                        value = (float)((va * (1 - w)) + (vb * w));
                    }

                    dst[x + (nx * y)] = value;
                }
            }
        }
    }

    /// <summary>Where output voxel (0, 0) falls in the source slice, in source pixel units.</summary>
    private static (double X, double Y) Offset(SliceHeader slice, Vec3 origin, Affine3D g)
    {
        Vec3 d = origin - slice.Position;
        return (d.Dot(g.AxisI) / slice.SpacingX, d.Dot(g.AxisJ) / slice.SpacingY);
    }

    private static float Sample(float[] plane, int sx, int sy, double x, double y, float outside)
    {
        const double Eps = 1e-6;
        if (x < -Eps || y < -Eps || x > sx - 1 + Eps || y > sy - 1 + Eps)
        {
            return outside;
        }

        x = Math.Clamp(x, 0, sx - 1);
        y = Math.Clamp(y, 0, sy - 1);
        int x0 = Math.Min((int)x, sx - 1), y0 = Math.Min((int)y, sy - 1);
        int x1 = Math.Min(x0 + 1, sx - 1), y1 = Math.Min(y0 + 1, sy - 1);
        double fx = x - x0, fy = y - y0;
        double top = (plane[x0 + (sx * y0)] * (1 - fx)) + (plane[x1 + (sx * y0)] * fx);
        double bottom = (plane[x0 + (sx * y1)] * (1 - fx)) + (plane[x1 + (sx * y1)] * fx);
        return (float)((top * (1 - fy)) + (bottom * fy));
    }
}
