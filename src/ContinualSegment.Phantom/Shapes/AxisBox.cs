using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Shapes;

/// <summary>An axis-aligned solid box.</summary>
internal sealed class AxisBox(Vec3 min, Vec3 max) : IShape
{
    public Box3 Bounds { get; } = new(min, max);

    public bool Contains(Vec3 p) => Bounds.Contains(p);
}
