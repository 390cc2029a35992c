namespace ContinualSegment.Imaging;

/// <summary>
/// Conversions between <see cref="Affine3D"/> (LPS) and NIfTI's RAS qform/sform.
/// RAS = diag(−1, −1, 1)·LPS.
/// </summary>
public static class NiftiGeometry
{
    /// <summary>Fills dim, pixdim, qform (from the rotation quaternion) and sform (code 1, scanner) from the geometry.</summary>
    public static void Apply(NiftiHeader header, Affine3D geometry)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(geometry);
        double[] lps = geometry.ToMatrix4x4();
        for (int col = 0; col < 4; col++)
        {
            header.SRow[col] = (float)-lps[col];
            header.SRow[4 + col] = (float)-lps[4 + col];
            header.SRow[8 + col] = (float)lps[8 + col];
        }

        header.SFormCode = 1;
        header.QFormCode = 1;

        // Rotation in RAS: columns are the unit axes with x and y negated.
        var ci = new Vec3(-geometry.AxisI.X, -geometry.AxisI.Y, geometry.AxisI.Z);
        var cj = new Vec3(-geometry.AxisJ.X, -geometry.AxisJ.Y, geometry.AxisJ.Z);
        var ck = new Vec3(-geometry.AxisK.X, -geometry.AxisK.Y, geometry.AxisK.Z);
        double det = ci.Dot(cj.Cross(ck));
        double qfac = 1;
        if (det < 0)
        {
            qfac = -1;
            ck = -ck;
        }

        (double b, double c, double d) = ToQuaternion(ci, cj, ck);
        header.QuaternB = (float)b;
        header.QuaternC = (float)c;
        header.QuaternD = (float)d;
        header.QOffsetX = (float)-geometry.Origin.X;
        header.QOffsetY = (float)-geometry.Origin.Y;
        header.QOffsetZ = (float)geometry.Origin.Z;
        header.PixDim[0] = (float)qfac;
        header.PixDim[1] = (float)geometry.Spacing.X;
        header.PixDim[2] = (float)geometry.Spacing.Y;
        header.PixDim[3] = (float)geometry.Spacing.Z;
    }

    /// <summary>Reads the geometry: sform if sform_code &gt; 0, else qform if qform_code &gt; 0, else pixdim only.</summary>
    public static Affine3D Read(NiftiHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.SFormCode > 0)
        {
            float[] s = header.SRow;
            double[] m =
            [
                -s[0], -s[1], -s[2], -s[3],
                -s[4], -s[5], -s[6], -s[7],
                s[8], s[9], s[10], s[11],
            ];
            return Affine3D.FromMatrix4x4(m);
        }

        Vec3 spacing = new(Positive(header.PixDim[1]), Positive(header.PixDim[2]), Positive(header.PixDim[3]));
        if (header.QFormCode > 0)
        {
            double b = header.QuaternB, c = header.QuaternC, d = header.QuaternD;
            double a2 = 1.0 - ((b * b) + (c * c) + (d * d));
            double a;
            if (a2 < 1e-7)
            {
                // 180° rotation: renormalise (b, c, d).
                double n = Math.Sqrt((b * b) + (c * c) + (d * d));
                b /= n;
                c /= n;
                d /= n;
                a = 0;
            }
            else
            {
                a = Math.Sqrt(a2);
            }

            double qfac = header.PixDim[0] < 0 ? -1 : 1;
            var ci = new Vec3((a * a) + (b * b) - (c * c) - (d * d), 2 * ((b * c) + (a * d)), 2 * ((b * d) - (a * c)));
            var cj = new Vec3(2 * ((b * c) - (a * d)), (a * a) + (c * c) - (b * b) - (d * d), 2 * ((c * d) + (a * b)));
            var ck = new Vec3(2 * ((b * d) + (a * c)), 2 * ((c * d) - (a * b)), (a * a) + (d * d) - (c * c) - (b * b)) * qfac;
            return new Affine3D(
                new Vec3(-header.QOffsetX, -header.QOffsetY, header.QOffsetZ),
                ToLps(ci),
                ToLps(cj),
                ToLps(ck),
                spacing);
        }

        // Analyze-style fallback: pixdim only, RAS axes.
        return new Affine3D(Vec3.Zero, new Vec3(-1, 0, 0), new Vec3(0, -1, 0), new Vec3(0, 0, 1), spacing);
    }

    /// <summary>Unit quaternion (b, c, d; a ≥ 0) of a proper rotation whose columns are ci, cj, ck.</summary>
    public static (double B, double C, double D) ToQuaternion(Vec3 ci, Vec3 cj, Vec3 ck)
    {
        double r11 = ci.X, r21 = ci.Y, r31 = ci.Z;
        double r12 = cj.X, r22 = cj.Y, r32 = cj.Z;
        double r13 = ck.X, r23 = ck.Y, r33 = ck.Z;
        double a = r11 + r22 + r33 + 1.0;
        double b, c, d;
        if (a > 0.5)
        {
            a = 0.5 * Math.Sqrt(a);
            b = 0.25 * (r32 - r23) / a;
            c = 0.25 * (r13 - r31) / a;
            d = 0.25 * (r21 - r12) / a;
        }
        else
        {
            double xd = 1.0 + r11 - (r22 + r33);
            double yd = 1.0 + r22 - (r11 + r33);
            double zd = 1.0 + r33 - (r11 + r22);
            if (xd > 1.0)
            {
                b = 0.5 * Math.Sqrt(xd);
                c = 0.25 * (r12 + r21) / b;
                d = 0.25 * (r13 + r31) / b;
                a = 0.25 * (r32 - r23) / b;
            }
            else if (yd > 1.0)
            {
                c = 0.5 * Math.Sqrt(yd);
                b = 0.25 * (r12 + r21) / c;
                d = 0.25 * (r23 + r32) / c;
                a = 0.25 * (r13 - r31) / c;
            }
            else
            {
                d = 0.5 * Math.Sqrt(zd);
                b = 0.25 * (r13 + r31) / d;
                c = 0.25 * (r23 + r32) / d;
                a = 0.25 * (r21 - r12) / d;
            }

            if (a < 0)
            {
                b = -b;
                c = -c;
                d = -d;
            }
        }

        return (b, c, d);
    }

    private static Vec3 ToLps(Vec3 ras) => new(-ras.X, -ras.Y, ras.Z);

    private static double Positive(float v) => v > 0 && float.IsFinite(v) ? v : 1.0;
}
