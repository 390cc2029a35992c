using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Shapes;

/// <summary>Points with (p − point)·normal ≥ 0 (unbounded; use inside an intersection).</summary>
internal sealed class HalfSpace(Vec3 point, Vec3 normal) : IShape
{
    private readonly Vec3 n = normal.Normalized();

    public Box3 Bounds => Box3.Infinite;

    public bool Contains(Vec3 p) => (p - point).Dot(n) >= 0;
}
