using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Shapes;

/// <summary>Points inside every operand.</summary>
internal sealed class Intersection : IShape
{
    private readonly IShape[] parts;

    public Intersection(params IShape[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0)
        {
            throw new ArgumentException("An intersection needs operands.", nameof(parts));
        }

        this.parts = parts;
        Box3 b = Box3.Infinite;
        foreach (IShape s in parts)
        {
            b = b.Intersect(s.Bounds);
        }

        Bounds = b;
    }

    public Box3 Bounds { get; }

    public bool Contains(Vec3 p)
    {
        if (!Bounds.Contains(p))
        {
            return false;
        }

        foreach (IShape s in parts)
        {
            if (!s.Contains(p))
            {
                return false;
            }
        }

        return true;
    }
}
