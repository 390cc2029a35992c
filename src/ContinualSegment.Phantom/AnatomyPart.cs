using ContinualSegment.Phantom.Shapes;

namespace ContinualSegment.Phantom;

/// <summary>
/// One solid of the layout with the structure-map id it paints (later parts win). A world-space part
/// (the patient table) is tested in scanner coordinates; a part with <see cref="OnlyOver"/> set paints
/// only voxels already owned by that id (lesions inside their host organ).
/// </summary>
internal sealed record AnatomyPart(ushort Id, IShape Shape, bool WorldSpace = false, ushort OnlyOver = 0);
