using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Shapes;

/// <summary>Points inside any operand.</summary>
internal sealed class Union : IShape
{
    private readonly IShape[] parts;

    public Union(params IShape[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        this.parts = parts;
        Box3 b = Box3.Empty;
        foreach (IShape s in parts)
        {
            b = b.Union(s.Bounds);
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
            if (s.Contains(p))
            {
                return true;
            }
        }

        return false;
    }
}
