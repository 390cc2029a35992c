namespace ContinualSegment.Imaging;

/// <summary>An inclusive voxel-index bounding box.</summary>
public readonly record struct BoundingBox3(int MinX, int MinY, int MinZ, int MaxX, int MaxY, int MaxZ)
{
    public int SizeX => MaxX - MinX + 1;

    public int SizeY => MaxY - MinY + 1;

    public int SizeZ => MaxZ - MinZ + 1;

    public BoundingBox3 Union(BoundingBox3 o) => new(
        Math.Min(MinX, o.MinX), Math.Min(MinY, o.MinY), Math.Min(MinZ, o.MinZ),
        Math.Max(MaxX, o.MaxX), Math.Max(MaxY, o.MaxY), Math.Max(MaxZ, o.MaxZ));

    /// <summary>Grows the box by <paramref name="margin"/> voxels, clipped to a grid.</summary>
    public BoundingBox3 Grow(int margin, int sizeX, int sizeY, int sizeZ) => new(
        Math.Max(0, MinX - margin), Math.Max(0, MinY - margin), Math.Max(0, MinZ - margin),
        Math.Min(sizeX - 1, MaxX + margin), Math.Min(sizeY - 1, MaxY + margin), Math.Min(sizeZ - 1, MaxZ + margin));
}
