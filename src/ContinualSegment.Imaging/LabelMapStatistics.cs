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
        return Compute(labels, labels.Data.AsSpan(), static v => v);
    }

    public static LabelMapStatistics Compute(Volume<ushort> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return Compute(labels, labels.Data.AsSpan(), static v => v);
    }

    private static LabelMapStatistics Compute<T>(Volume<T> vol, ReadOnlySpan<T> data, Func<T, int> toInt)
        where T : unmanaged
    {
        int max = 0;
        foreach (T v in data)
        {
            max = Math.Max(max, toInt(v));
        }

        long[] counts = new long[max + 1];
        int[] minX = new int[max + 1], minY = new int[max + 1], minZ = new int[max + 1];
        int[] maxX = new int[max + 1], maxY = new int[max + 1], maxZ = new int[max + 1];
        Array.Fill(minX, int.MaxValue);
        Array.Fill(minY, int.MaxValue);
        Array.Fill(minZ, int.MaxValue);
        Array.Fill(maxX, -1);
        Array.Fill(maxY, -1);
        Array.Fill(maxZ, -1);
        int i = 0;
        for (int z = 0; z < vol.SizeZ; z++)
        {
            for (int y = 0; y < vol.SizeY; y++)
            {
                for (int x = 0; x < vol.SizeX; x++, i++)
                {
                    int l = toInt(data[i]);
                    counts[l]++;
                    if (x < minX[l]) { minX[l] = x; }
                    if (x > maxX[l]) { maxX[l] = x; }
                    if (y < minY[l]) { minY[l] = y; }
                    if (y > maxY[l]) { maxY[l] = y; }
                    if (z < minZ[l]) { minZ[l] = z; }
                    if (z > maxZ[l]) { maxZ[l] = z; }
                }
            }
        }

        var boxes = new BoundingBox3?[max + 1];
        for (int l = 0; l <= max; l++)
        {
            if (counts[l] > 0)
            {
                boxes[l] = new BoundingBox3(minX[l], minY[l], minZ[l], maxX[l], maxY[l], maxZ[l]);
            }
        }

        return new LabelMapStatistics(counts, boxes, vol.Spacing);
    }
}
