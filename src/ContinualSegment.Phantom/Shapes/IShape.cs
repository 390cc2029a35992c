using ContinualSegment.Imaging;

namespace ContinualSegment.Phantom.Shapes;

/// <summary>A solid in canonical phantom coordinates (LPS, mm): an inside test and a bounding box.</summary>
internal interface IShape
{
    /// <summary>Axis-aligned box containing every inside point.</summary>
    Box3 Bounds { get; }

    bool Contains(Vec3 p);
}
