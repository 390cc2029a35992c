namespace ContinualSegment.Imaging;

/// <summary>
/// A 3D image: SizeX columns × SizeY rows × SizeZ slices, x fastest, with its voxel→patient geometry.
/// </summary>
public sealed class Volume<T>
    where T : unmanaged
{
    /// <summary>Largest number of voxels a volume may hold.</summary>
    public const long MaxVoxels = int.MaxValue;

    public Volume(int sizeX, int sizeY, int sizeZ, Affine3D geometry)
        : this(sizeX, sizeY, sizeZ, geometry, null)
    {
    }

    public Volume(int sizeX, int sizeY, int sizeZ, Affine3D geometry, T[]? data)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        long n = CheckSize(sizeX, sizeY, sizeZ);
        if (data is not null && data.Length != n)
        {
            throw new ArgumentException($"Data length {data.Length} does not match {sizeX}×{sizeY}×{sizeZ}.", nameof(data));
        }

        SizeX = sizeX;
        SizeY = sizeY;
        SizeZ = sizeZ;
        Geometry = geometry;
        Data = data ?? new T[n];
    }

    public int SizeX { get; }

    public int SizeY { get; }

    public int SizeZ { get; }

    public Affine3D Geometry { get; }

    public Vec3 Spacing => Geometry.Spacing;

    /// <summary>The voxels, index = x + SizeX·(y + SizeY·z).</summary>
    public T[] Data { get; }

    public int Length => Data.Length;

    public int SliceLength => SizeX * SizeY;

    public T this[int x, int y, int z]
    {
        get => Data[Index(x, y, z)];
        set => Data[Index(x, y, z)] = value;
    }

    public int Index(int x, int y, int z) => x + (SizeX * (y + (SizeY * z)));

    public bool Contains(int x, int y, int z) =>
        (uint)x < (uint)SizeX && (uint)y < (uint)SizeY && (uint)z < (uint)SizeZ;

    public bool SameGrid<TOther>(Volume<TOther> other)
        where TOther : unmanaged
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.SizeX == SizeX && other.SizeY == SizeY && other.SizeZ == SizeZ;
    }

    /// <summary>A zero-filled volume of another voxel type on the same grid.</summary>
    public Volume<TOther> CreateLike<TOther>()
        where TOther : unmanaged => new(SizeX, SizeY, SizeZ, Geometry);

    public Span<T> Slice(int z) => Data.AsSpan(z * SliceLength, SliceLength);

    public Vec3 IndexToWorld(double x, double y, double z) => Geometry.IndexToWorld(x, y, z);

    public Vec3 WorldToIndex(Vec3 world) => Geometry.WorldToIndex(world);

    private static long CheckSize(int sx, int sy, int sz)
    {
        if (sx <= 0 || sy <= 0 || sz <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sx), $"Volume dimensions must be positive, got {sx}×{sy}×{sz}.");
        }

        long n = (long)sx * sy * sz;
        if (n > MaxVoxels)
        {
            throw new ArgumentOutOfRangeException(nameof(sx), $"Volume of {n} voxels exceeds the limit of {MaxVoxels}.");
        }

        return n;
    }
}
