using ContinualSegment.Imaging;
using ContinualSegment.Phantom.Shapes;

namespace ContinualSegment.Phantom;

/// <summary>
/// World (scanner LPS, mm) → canonical anatomy coordinates: q = M·(p − T) + w(p), where M undoes the
/// subject's scale and small rotation and w is a smooth separable deformation
/// (wx depends on y and z, wy on x and z, wz on x and y; |w| ≤ amplitude per axis).
/// </summary>
internal sealed class SubjectMapping
{
    private readonly double[] amp = new double[3];
    private readonly double[] k1 = new double[3], k2 = new double[3], p1 = new double[3], p2 = new double[3];

    public SubjectMapping(SubjectParameters subject, Vec3 translation, Random rng)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(rng);
        Mat3 r = Mat3.FromEulerDegrees(subject.RotationDegrees.X, subject.RotationDegrees.Y, subject.RotationDegrees.Z);
        Vec3 s = subject.Scale;
        Mat3 sInv = new(1 / s.X, 0, 0, 0, 1 / s.Y, 0, 0, 0, 1 / s.Z);
        M = sInv * r.Transpose();
        MInverse = r * new Mat3(s.X, 0, 0, 0, s.Y, 0, 0, 0, s.Z);
        T = translation;
        for (int a = 0; a < 3; a++)
        {
            amp[a] = subject.WarpAmplitudeMm * (0.5 + (0.5 * rng.NextDouble()));
            k1[a] = 2 * Math.PI / (180 + (220 * rng.NextDouble()));
            k2[a] = 2 * Math.PI / (250 + (350 * rng.NextDouble()));
            p1[a] = 2 * Math.PI * rng.NextDouble();
            p2[a] = 2 * Math.PI * rng.NextDouble();
        }

        MaxWarp = Math.Max(amp[0], Math.Max(amp[1], amp[2]));
    }

    public Mat3 M { get; }

    public Mat3 MInverse { get; }

    public Vec3 T { get; }

    public double MaxWarp { get; }

    /// <summary>Warp factor of axis <paramref name="axis"/> along its first coordinate.</summary>
    public double F(int axis, double u) => amp[axis] * Math.Sin((k1[axis] * u) + p1[axis]);

    /// <summary>Warp factor of axis <paramref name="axis"/> along its second coordinate.</summary>
    public double G(int axis, double v) => Math.Cos((k2[axis] * v) + p2[axis]);

    public Vec3 ToCanonical(Vec3 p)
    {
        Vec3 q = M.Apply(p - T);
        return new Vec3(
            q.X + (F(0, p.Y) * G(0, p.Z)),
            q.Y + (F(1, p.X) * G(1, p.Z)),
            q.Z + (F(2, p.X) * G(2, p.Y)));
    }

    /// <summary>Approximate inverse (ignores the warp).</summary>
    public Vec3 ToWorld(Vec3 q) => T + MInverse.Apply(q);

    /// <summary>World box holding every point whose canonical image lies in <paramref name="b"/>.</summary>
    public Box3 WorldBounds(Box3 b)
    {
        Box3 e = b.Expand(MaxWarp + 0.5);
        Box3 r = Box3.Empty;
        for (int c = 0; c < 8; c++)
        {
            var q = new Vec3((c & 1) == 0 ? e.Min.X : e.Max.X, (c & 2) == 0 ? e.Min.Y : e.Max.Y, (c & 4) == 0 ? e.Min.Z : e.Max.Z);
            Vec3 p = ToWorld(q);
            r = r.Union(new Box3(p, p));
        }

        return r;
    }
}
