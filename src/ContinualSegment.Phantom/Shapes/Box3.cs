using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Shapes;

/// <summary>An axis-aligned box in millimetres.</summary>
internal readonly record struct Box3(Vec3 Min, Vec3 Max)
{
    public static Box3 Infinite => new(
        new Vec3(double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity),
        new Vec3(double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity));

    public static Box3 Empty => new(
        new Vec3(double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity),
        new Vec3(double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity));

    public bool IsEmpty => Min.X > Max.X || Min.Y > Max.Y || Min.Z > Max.Z;

    public bool IsFinite => double.IsFinite(Min.X + Min.Y + Min.Z + Max.X + Max.Y + Max.Z);

    public bool Contains(Vec3 p) =>
        p.X >= Min.X && p.X <= Max.X && p.Y >= Min.Y && p.Y <= Max.Y && p.Z >= Min.Z && p.Z <= Max.Z;

    public Box3 Union(Box3 o) => new(
        new Vec3(Math.Min(Min.X, o.Min.X), Math.Min(Min.Y, o.Min.Y), Math.Min(Min.Z, o.Min.Z)),
        new Vec3(Math.Max(Max.X, o.Max.X), Math.Max(Max.Y, o.Max.Y), Math.Max(Max.Z, o.Max.Z)));

    public Box3 Intersect(Box3 o) => new(
        new Vec3(Math.Max(Min.X, o.Min.X), Math.Max(Min.Y, o.Min.Y), Math.Max(Min.Z, o.Min.Z)),
        new Vec3(Math.Min(Max.X, o.Max.X), Math.Min(Max.Y, o.Max.Y), Math.Min(Max.Z, o.Max.Z)));

    public Box3 Expand(double d) => new(Min - new Vec3(d, d, d), Max + new Vec3(d, d, d));
}
