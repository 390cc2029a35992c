using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Shapes;

/// <summary>Points inside <c>keep</c> and outside every <c>remove</c> operand (shells, cut-outs).</summary>
internal sealed class Difference(IShape keep, params IShape[] remove) : IShape
{
    public Box3 Bounds => keep.Bounds;

    public bool Contains(Vec3 p)
    {
        if (!keep.Contains(p))
        {
            return false;
        }

        foreach (IShape r in remove)
        {
            if (r.Contains(p))
            {
                return false;
            }
        }

        return true;
    }
}
