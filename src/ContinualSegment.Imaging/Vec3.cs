namespace ContinualSegment.Imaging;

/// <summary>A point or vector in patient space (millimetres) or index space.</summary>
public readonly record struct Vec3(double X, double Y, double Z)
{
    public static Vec3 Zero => default;

    public double Length => Math.Sqrt((X * X) + (Y * Y) + (Z * Z));

    public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    public static Vec3 operator -(Vec3 a) => new(-a.X, -a.Y, -a.Z);

    public static Vec3 operator *(Vec3 a, double s) => new(a.X * s, a.Y * s, a.Z * s);

    public static Vec3 operator *(double s, Vec3 a) => new(a.X * s, a.Y * s, a.Z * s);

    public static Vec3 operator /(Vec3 a, double s) => new(a.X / s, a.Y / s, a.Z / s);

    public static Vec3 Add(Vec3 a, Vec3 b) => a + b;

    public static Vec3 Subtract(Vec3 a, Vec3 b) => a - b;

    public static Vec3 Negate(Vec3 a) => -a;

    public static Vec3 Multiply(Vec3 a, double s) => a * s;

    public static Vec3 Divide(Vec3 a, double s) => a / s;

    public double Dot(Vec3 other) => (X * other.X) + (Y * other.Y) + (Z * other.Z);

    public Vec3 Cross(Vec3 o) => new((Y * o.Z) - (Z * o.Y), (Z * o.X) - (X * o.Z), (X * o.Y) - (Y * o.X));

    public Vec3 Normalized()
    {
        double l = Length;
        if (l == 0)
        {
            throw new InvalidOperationException("Cannot normalise a zero vector.");
        }

        return this / l;
    }

    /// <summary>Component-wise product.</summary>
    public Vec3 Scale(Vec3 s) => new(X * s.X, Y * s.Y, Z * s.Z);
}
