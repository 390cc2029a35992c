namespace ContinualSegment.Imaging.Segmentation;

/// <summary>
/// The segments and frames of a Segmentation mapped onto a reference grid. Masks are unpacked on request from the
/// packed pixel data (one frame = one segment on one slice).
/// </summary>
public sealed class SegmentationContent
{
    private readonly byte[] pixels;
    private readonly bool fractional;
    private readonly int threshold;
    private readonly IReadOnlyList<(int Segment, int Z)> frames;

    internal SegmentationContent(int sizeX, int sizeY, int sizeZ, Affine3D geometry, IReadOnlyList<ReadSegment> segments, IReadOnlyList<(int Segment, int Z)> frames, byte[] pixels, bool fractional, int threshold)
    {
        SizeX = sizeX;
        SizeY = sizeY;
        SizeZ = sizeZ;
        Geometry = geometry;
        Segments = segments;
        this.frames = frames;
        this.pixels = pixels;
        this.fractional = fractional;
        this.threshold = threshold;
    }

    public int SizeX { get; }

    public int SizeY { get; }

    public int SizeZ { get; }

    public Affine3D Geometry { get; }

    /// <summary>The Segment Sequence, in order.</summary>
    public IReadOnlyList<ReadSegment> Segments { get; }

    /// <summary>Number of frames in the instance.</summary>
    public int FrameCount => frames.Count;

    /// <summary>The slices (z) that have a frame for the segment.</summary>
    public IReadOnlyList<int> SlicesOf(int segmentNumber) => [.. frames.Where(f => f.Segment == segmentNumber).Select(static f => f.Z)];

    /// <summary>The segment's voxels as a 0/1 mask on the reference grid.</summary>
    public Volume<byte> GetMask(int segmentNumber)
    {
        if (!Segments.Any(s => s.Number == segmentNumber))
        {
            throw new ArgumentOutOfRangeException(nameof(segmentNumber), segmentNumber, "No such segment.");
        }

        var mask = new Volume<byte>(SizeX, SizeY, SizeZ, Geometry);
        for (int f = 0; f < frames.Count; f++)
        {
            if (frames[f].Segment == segmentNumber)
            {
                Paint<byte>(f, mask.Slice(frames[f].Z), 1);
            }
        }

        return mask;
    }

    /// <summary>
    /// All segments in one label map: voxel value = <paramref name="valueOf"/>(segment number), or the segment number
    /// when no map is given. Where segments overlap, the later segment in the Segment Sequence wins.
    /// </summary>
    public Volume<ushort> ToLabelMap(Func<int, ushort>? valueOf = null) =>
        ToLabelMap(Segments.Select(s => (s.Number, valueOf?.Invoke(s.Number) ?? checked((ushort)s.Number))));

    /// <summary>
    /// The given segments in one label map, painted in the given order (where segments overlap, the later one wins);
    /// segments not listed are left out.
    /// </summary>
    /// <param name="paintOrder">Segment numbers with the value each is painted with (0 leaves it out).</param>
    public Volume<ushort> ToLabelMap(IEnumerable<(int SegmentNumber, ushort Value)> paintOrder)
    {
        ArgumentNullException.ThrowIfNull(paintOrder);
        var map = new Volume<ushort>(SizeX, SizeY, SizeZ, Geometry);
        foreach ((int number, ushort value) in paintOrder)
        {
            if (value == 0)
            {
                continue;
            }

            for (int f = 0; f < frames.Count; f++)
            {
                if (frames[f].Segment == number)
                {
                    Paint(f, map.Slice(frames[f].Z), value);
                }
            }
        }

        return map;
    }

    private void Paint<T>(int frame, Span<T> slice, T value)
        where T : unmanaged
    {
        int n = SizeX * SizeY;
        if (fractional)
        {
            long offset = (long)frame * n;
            for (int i = 0; i < n; i++)
            {
                if (pixels[offset + i] >= threshold && pixels[offset + i] > 0)
                {
                    slice[i] = value;
                }
            }

            return;
        }

        long start = (long)frame * n, end = start + n;
        for (long octet = start >> 3, last = (end - 1) >> 3; octet <= last; octet++)
        {
            int bits = pixels[octet];
            if (bits == 0)
            {
                continue;
            }

            for (int k = 0; k < 8; k++)
            {
                long b = (octet << 3) + k;
                if ((bits & (1 << k)) != 0 && b >= start && b < end)
                {
                    slice[(int)(b - start)] = value;
                }
            }
        }
    }
}
