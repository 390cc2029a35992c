using ContinualSegment.Imaging.Resampling;

namespace ContinualSegment.Imaging;

/// <summary>
/// What a label map cannot hold: the voxels where a structure is present beneath the structure the map shows there
/// (an organ under its lesion, the brain under the brainstem, the pericardium under the heart's chambers). Keyed by
/// the structure's value in the label map it belongs to; each list holds flat voxel indices (z, y, x order) of that
/// map's grid, ascending and distinct. A structure's whole mask is its own value in the map plus its hidden voxels.
/// </summary>
public sealed class StructureOverlaps
{
    private readonly SortedDictionary<ushort, int[]> hidden;

    /// <summary>Overlaps on a grid of <paramref name="size"/>.</summary>
    /// <exception cref="ArgumentException">A value is 0, or a list is not ascending, distinct and inside the grid.</exception>
    public StructureOverlaps(GridSize size, IReadOnlyDictionary<ushort, int[]> hiddenVoxels)
    {
        ArgumentNullException.ThrowIfNull(hiddenVoxels);
        size.Validate(nameof(size));
        Size = size;
        hidden = [];
        foreach (var (value, voxels) in hiddenVoxels)
        {
            ArgumentNullException.ThrowIfNull(voxels, nameof(hiddenVoxels));
            if (value == 0)
            {
                throw new ArgumentException("background (0) cannot be hidden", nameof(hiddenVoxels));
            }

            for (var i = 0; i < voxels.Length; i++)
            {
                if (voxels[i] < 0 || voxels[i] >= size.Count || (i > 0 && voxels[i] <= voxels[i - 1]))
                {
                    throw new ArgumentException($"the hidden voxels of {value} must be ascending, distinct indices of the {size.X}×{size.Y}×{size.Z} grid", nameof(hiddenVoxels));
                }
            }

            if (voxels.Length > 0)
            {
                hidden.Add(value, voxels);
            }
        }
    }

    /// <summary>The grid the voxel indices refer to.</summary>
    public GridSize Size { get; }

    /// <summary>Hidden voxels by structure value (only structures that have any).</summary>
    public IReadOnlyDictionary<ushort, int[]> Hidden => hidden;

    /// <summary>Whether no structure is hidden anywhere.</summary>
    public bool IsEmpty => hidden.Count == 0;

    /// <summary>No overlaps on a grid of <paramref name="size"/>.</summary>
    public static StructureOverlaps None(GridSize size) => new(size, new Dictionary<ushort, int[]>());

    /// <summary>
    /// The same overlaps on another grid, whose label map <paramref name="targetLabels"/> was resampled from
    /// <paramref name="sourceLabels"/> (this object's grid). Each structure's whole mask (its value plus its hidden
    /// voxels) is interpolated trilinearly near its hidden voxels; a target voxel is hidden where that reaches one half
    /// and the target map shows another value.
    /// </summary>
    /// <param name="sourceLabels">The label map on this object's grid.</param>
    /// <param name="targetLabels">The label map on the target grid.</param>
    /// <param name="targetSize">The target grid.</param>
    /// <param name="targetToSource">Source index of each target voxel (as for <see cref="Resampler"/>).</param>
    public StructureOverlaps Resample(ReadOnlySpan<ushort> sourceLabels, ReadOnlySpan<ushort> targetLabels, GridSize targetSize, IndexMapping targetToSource)
    {
        ArgumentNullException.ThrowIfNull(targetToSource);
        targetSize.Validate(nameof(targetSize));
        if (sourceLabels.Length != Size.Count)
        {
            throw new ArgumentException($"{sourceLabels.Length} source labels for a grid of {Size.Count} voxels", nameof(sourceLabels));
        }

        if (targetLabels.Length != targetSize.Count)
        {
            throw new ArgumentException($"{targetLabels.Length} target labels for a grid of {targetSize.Count} voxels", nameof(targetLabels));
        }

        var sourceToTarget = targetToSource.Inverse();
        var result = new Dictionary<ushort, int[]>();
        foreach (var (value, voxels) in hidden)
        {
            var moved = ResampleOne(value, voxels, sourceLabels, targetLabels, targetSize, targetToSource, sourceToTarget);
            if (moved.Length > 0)
            {
                result[value] = moved;
            }
        }

        return new StructureOverlaps(targetSize, result);
    }

    private int[] ResampleOne(ushort value, int[] voxels, ReadOnlySpan<ushort> sourceLabels, ReadOnlySpan<ushort> targetLabels, GridSize targetSize, IndexMapping targetToSource, IndexMapping sourceToTarget)
    {
        var (sx, sy, sz) = (Size.X, Size.Y, Size.Z);
        int x0 = int.MaxValue, y0 = int.MaxValue, z0 = int.MaxValue, x1 = -1, y1 = -1, z1 = -1;
        foreach (var v in voxels)
        {
            var (x, y, z) = (v % sx, v / sx % sy, v / sx / sy);
            (x0, x1, y0, y1, z0, z1) = (Math.Min(x0, x), Math.Max(x1, x), Math.Min(y0, y), Math.Max(y1, y), Math.Min(z0, z), Math.Max(z1, z));
        }

        // The whole mask in a box two voxels wider than the hidden voxels (the interpolation's reach from one voxel away).
        var (bx0, by0, bz0) = (Math.Max(0, x0 - 2), Math.Max(0, y0 - 2), Math.Max(0, z0 - 2));
        var (bx1, by1, bz1) = (Math.Min(sx - 1, x1 + 2), Math.Min(sy - 1, y1 + 2), Math.Min(sz - 1, z1 + 2));
        var (bw, bh, bd) = (bx1 - bx0 + 1, by1 - by0 + 1, bz1 - bz0 + 1);
        var box = new byte[checked(bw * bh * bd)];
        for (var z = bz0; z <= bz1; z++)
        {
            for (var y = by0; y <= by1; y++)
            {
                var row = sourceLabels.Slice((((z * sy) + y) * sx) + bx0, bw);
                var at = (((z - bz0) * bh) + (y - by0)) * bw;
                for (var x = 0; x < bw; x++)
                {
                    box[at + x] = row[x] == value ? (byte)1 : (byte)0;
                }
            }
        }

        foreach (var v in voxels)
        {
            var (x, y, z) = (v % sx, v / sx % sy, v / sx / sy);
            box[((((z - bz0) * bh) + (y - by0)) * bw) + (x - bx0)] = 1;
        }

        // Target voxels whose source position lies within one voxel of the hidden ones.
        double tx0 = double.MaxValue, ty0 = double.MaxValue, tz0 = double.MaxValue, tx1 = double.MinValue, ty1 = double.MinValue, tz1 = double.MinValue;
        for (var corner = 0; corner < 8; corner++)
        {
            var (x, y, z) = sourceToTarget.Map((corner & 1) == 0 ? x0 - 1 : x1 + 1, (corner & 2) == 0 ? y0 - 1 : y1 + 1, (corner & 4) == 0 ? z0 - 1 : z1 + 1);
            (tx0, tx1, ty0, ty1, tz0, tz1) = (Math.Min(tx0, x), Math.Max(tx1, x), Math.Min(ty0, y), Math.Max(ty1, y), Math.Min(tz0, z), Math.Max(tz1, z));
        }

        var (ix0, iy0, iz0) = (Math.Max(0, (int)Math.Floor(tx0)), Math.Max(0, (int)Math.Floor(ty0)), Math.Max(0, (int)Math.Floor(tz0)));
        var (ix1, iy1, iz1) = (Math.Min(targetSize.X - 1, (int)Math.Ceiling(tx1)), Math.Min(targetSize.Y - 1, (int)Math.Ceiling(ty1)), Math.Min(targetSize.Z - 1, (int)Math.Ceiling(tz1)));
        var found = new List<int>();
        for (var k = iz0; k <= iz1; k++)
        {
            for (var j = iy0; j <= iy1; j++)
            {
                var row = ((k * targetSize.Y) + j) * targetSize.X;
                for (var i = ix0; i <= ix1; i++)
                {
                    if (targetLabels[row + i] == value)
                    {
                        continue;
                    }

                    var (x, y, z) = targetToSource.Map(i, j, k);
                    if (Weight(box, (bw, bh, bd), x - bx0, y - by0, z - bz0) >= 0.5)
                    {
                        found.Add(row + i);
                    }
                }
            }
        }

        return [.. found];
    }

    // Trilinear weight of the mask in the box at (x, y, z) box coordinates; 0 outside the box.
    private static double Weight(byte[] box, (int W, int H, int D) size, double x, double y, double z)
    {
        var (fx, fy, fz) = (Math.Floor(x), Math.Floor(y), Math.Floor(z));
        var (ax, ay, az) = (x - fx, y - fy, z - fz);
        var (ix, iy, iz) = ((int)fx, (int)fy, (int)fz);
        double sum = 0;
        for (var corner = 0; corner < 8; corner++)
        {
            var (cx, cy, cz) = (ix + (corner & 1), iy + ((corner >> 1) & 1), iz + ((corner >> 2) & 1));
            if ((uint)cx >= (uint)size.W || (uint)cy >= (uint)size.H || (uint)cz >= (uint)size.D || box[(((cz * size.H) + cy) * size.W) + cx] == 0)
            {
                continue;
            }

            sum += ((corner & 1) == 0 ? 1 - ax : ax) * (((corner >> 1) & 1) == 0 ? 1 - ay : ay) * (((corner >> 2) & 1) == 0 ? 1 - az : az);
        }

        return sum;
    }
}
