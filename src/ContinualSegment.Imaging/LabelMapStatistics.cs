using System.Numerics;

namespace ContinualSegment.Imaging;

/// <summary>Per-label voxel counts and bounding boxes of a label map.</summary>
public sealed class LabelMapStatistics
{
    private readonly long[] counts;
    private readonly BoundingBox3?[] boxes;

    private LabelMapStatistics(long[] counts, BoundingBox3?[] boxes, Vec3 spacing)
    {
        this.counts = counts;
        this.boxes = boxes;
        VoxelVolumeMm3 = spacing.X * spacing.Y * spacing.Z;
    }

    public double VoxelVolumeMm3 { get; }

    /// <summary>Largest label value + 1 covered by the statistics.</summary>
    public int LabelCount => counts.Length;

    /// <summary>Labels (excluding 0) with at least one voxel, ascending.</summary>
    public IEnumerable<int> PresentLabels => Enumerable.Range(1, Math.Max(0, counts.Length - 1)).Where(l => counts[l] > 0);

    public long Count(int label) => label >= 0 && label < counts.Length ? counts[label] : 0;

    /// <summary>Volume of a label in cubic centimetres.</summary>
    public double VolumeCm3(int label) => Count(label) * VoxelVolumeMm3 / 1000.0;

    public BoundingBox3? BoundingBox(int label) => label >= 0 && label < boxes.Length ? boxes[label] : null;

    public static LabelMapStatistics Compute(Volume<byte> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return Compute(labels, byte.MaxValue);
    }

    public static LabelMapStatistics Compute(Volume<ushort> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return Compute(labels, ushort.MaxValue);
    }

    // One pass over runs of equal values: a row of a label map holds a few long runs (background, organs), each found
    // with one vectorised search and counted at once, so a 512×512×300 map costs tens of milliseconds, not a quarter second.
    private static LabelMapStatistics Compute<T>(Volume<T> vol, int maxValue)
        where T : unmanaged, IEquatable<T>, IBinaryInteger<T>
    {
        var counts = new long[maxValue + 1];
        var box = new Box[maxValue + 1];
        ReadOnlySpan<T> data = vol.Data;
        int max = 0;
        for (int z = 0, row = 0; z < vol.SizeZ; z++)
        {
            for (int y = 0; y < vol.SizeY; y++, row += vol.SizeX)
            {
                ReadOnlySpan<T> line = data.Slice(row, vol.SizeX);
                for (int x = 0; x < line.Length;)
                {
                    T v = line[x];
                    int run = line[x..].IndexOfAnyExcept(v);
                    int end = run < 0 ? line.Length : x + run;
                    int l = int.CreateTruncating(v);
                    ref Box b = ref box[l];
                    if (counts[l] == 0)
                    {
                        b = new Box(x, y, z, end - 1, y, z);
                    }
                    else
                    {
                        b.MinX = Math.Min(b.MinX, x);
                        b.MaxX = Math.Max(b.MaxX, end - 1);
                        b.MinY = Math.Min(b.MinY, y);
                        b.MaxY = Math.Max(b.MaxY, y);
                        b.MaxZ = z;
                    }

                    counts[l] += end - x;
                    max = Math.Max(max, l);
                    x = end;
                }
            }
        }

        var boxes = new BoundingBox3?[max + 1];
        for (int l = 0; l <= max; l++)
        {
            if (counts[l] > 0)
            {
                ref Box b = ref box[l];
                boxes[l] = new BoundingBox3(b.MinX, b.MinY, b.MinZ, b.MaxX, b.MaxY, b.MaxZ);
            }
        }

        return new LabelMapStatistics(counts.AsSpan(0, max + 1).ToArray(), boxes, vol.Spacing);
    }

    /// <summary>A label's bounding box while it is being found (slices are visited in order, so z only grows).</summary>
    private struct Box(int minX, int minY, int minZ, int maxX, int maxY, int maxZ)
    {
        public int MinX = minX;
        public int MinY = minY;
        public int MinZ = minZ;
        public int MaxX = maxX;
        public int MaxY = maxY;
        public int MaxZ = maxZ;
    }
}
