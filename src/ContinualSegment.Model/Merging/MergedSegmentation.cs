using System.Collections;

namespace ContinualSegment.Model.Merging;

/// <summary>
/// The merged result on the model grid (z, y, x order): one binary mask per present structure
/// (keyed by catalogue global index; masks may overlap) and a single label map whose values are
/// global indices (0 = background).
/// </summary>
public sealed class MergedSegmentation
{
    private readonly byte[] labels;

    internal MergedSegmentation(int depth, int height, int width, byte[] labelMap, Dictionary<int, BitArray> masks, Dictionary<int, int[]> hiddenVoxels)
    {
        HiddenVoxels = hiddenVoxels;
        labels = labelMap;
        Depth = depth;
        Height = height;
        Width = width;
        LabelMap = labelMap;
        Masks = masks;
    }

    /// <summary>Slices.</summary>
    public int Depth { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <summary>The label map, values = catalogue global index, flat z, y, x.</summary>
    public IReadOnlyList<byte> LabelMap { get; }

    /// <summary>The label map as a span (no copy).</summary>
    public ReadOnlySpan<byte> LabelMapSpan => labels;

    /// <summary>Binary masks of the structures present, by global index; bit i = flat voxel i.</summary>
    public IReadOnlyDictionary<int, BitArray> Masks { get; }

    /// <summary>
    /// Per structure (global index), the flat voxels where the label map shows a structure nested in it, or a lesion
    /// it hosts (ascending); only structures with any. Other overlaps of <see cref="Masks"/> (decoders disagreeing)
    /// are not listed: the label map settles them.
    /// </summary>
    public IReadOnlyDictionary<int, int[]> HiddenVoxels { get; }

    /// <summary>Whether structure <paramref name="globalIndex"/> covers voxel (z, y, x).</summary>
    public bool Contains(int globalIndex, int z, int y, int x)
        => Masks.TryGetValue(globalIndex, out var mask) && mask[(((z * Height) + y) * Width) + x];

    /// <summary>The label-map value at (z, y, x).</summary>
    public byte LabelAt(int z, int y, int x) => LabelMap[(((z * Height) + y) * Width) + x];

    /// <summary>Voxels covered by structure <paramref name="globalIndex"/>.</summary>
    public int VoxelCount(int globalIndex)
    {
        if (!Masks.TryGetValue(globalIndex, out var mask))
        {
            return 0;
        }

        var n = 0;
        for (var i = 0; i < mask.Length; i++)
        {
            if (mask[i])
            {
                n++;
            }
        }

        return n;
    }
}
