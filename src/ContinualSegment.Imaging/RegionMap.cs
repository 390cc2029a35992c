namespace ContinualSegment.Imaging;

/// <summary>
/// One label map from which every structure's own mask can be read, overlaps included: the structures' values where
/// one structure is present, and a further value (a region code) for each combination of structures that share voxels.
/// A structure's segment or ROI is its value plus <see cref="AlsoLabels"/>. Both the Segmentation and the structure set
/// are written from it, so that a liver holds its tumour and the brain holds the brainstem in both.
/// </summary>
public sealed class RegionMap
{
    private readonly Dictionary<ushort, ushort[]> also;

    private RegionMap(Volume<ushort> map, Dictionary<ushort, ushort[]> also, int combinations)
    {
        Map = map;
        this.also = also;
        Combinations = combinations;
    }

    /// <summary>The map to read segments from (the label map itself when nothing overlaps).</summary>
    public Volume<ushort> Map { get; }

    /// <summary>How many region codes the map holds (combinations of overlapping structures).</summary>
    public int Combinations { get; }

    /// <summary>
    /// The region map of <paramref name="labels"/>. With <paramref name="overlaps"/> (on the map's grid) each structure
    /// covers exactly its own voxels and its hidden ones. Without them (a label map alone) an organ covers every present
    /// lesion the catalogue places in it, as <see cref="LabelTable.LesionsIn"/> says.
    /// </summary>
    /// <exception cref="ArgumentException">The overlaps are on another grid, or name a structure the table lacks, or there are more combinations than values left.</exception>
    public static RegionMap Build(Volume<ushort> labels, LabelTable table, StructureOverlaps? overlaps)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(table);
        if (overlaps is null || overlaps.IsEmpty)
        {
            var lesions = new Dictionary<ushort, ushort[]>();
            foreach (var value in table.Structures.Keys)
            {
                if (table.LesionsIn(value) is { Count: > 0 } inside)
                {
                    lesions[value] = [.. inside];
                }
            }

            return new RegionMap(labels, lesions, 0);
        }

        if (overlaps.Size.X != labels.SizeX || overlaps.Size.Y != labels.SizeY || overlaps.Size.Z != labels.SizeZ)
        {
            throw new ArgumentException($"overlaps on a {overlaps.Size.X}×{overlaps.Size.Y}×{overlaps.Size.Z} grid for a {labels.SizeX}×{labels.SizeY}×{labels.SizeZ} label map", nameof(overlaps));
        }

        foreach (var value in overlaps.Hidden.Keys)
        {
            if (!table.Structures.ContainsKey(value))
            {
                throw new ArgumentException($"overlap value {value} is not in the label table", nameof(overlaps));
            }
        }

        // Every (voxel, hidden structure) pair as one number, sorted: the pairs of a voxel come together, values ascending.
        var pairs = new long[overlaps.Hidden.Values.Sum(static v => (long)v.Length)];
        var n = 0;
        foreach (var (value, voxels) in overlaps.Hidden)
        {
            foreach (var v in voxels)
            {
                pairs[n++] = ((long)v << 16) | value;
            }
        }

        Array.Sort(pairs);
        var data = (ushort[])labels.Data.Clone();
        var next = table.Structures.Count == 0 ? 1 : table.Structures.Keys.Max() + 1;
        var codes = new Dictionary<string, ushort>(StringComparer.Ordinal);
        var members = new Dictionary<ushort, ushort[]>();
        var set = new List<ushort>(4);
        ushort[]? last = null;
        ushort lastCode = 0;
        for (var i = 0; i < pairs.Length;)
        {
            var voxel = (int)(pairs[i] >> 16);
            set.Clear();
            if (labels.Data[voxel] != 0)
            {
                set.Add(labels.Data[voxel]);
            }

            for (; i < pairs.Length && (int)(pairs[i] >> 16) == voxel; i++)
            {
                var value = (ushort)(pairs[i] & 0xFFFF);
                if (!set.Contains(value))
                {
                    set.Add(value);
                }
            }

            if (set.Count == 1)
            {
                data[voxel] = set[0];
                continue;
            }

            set.Sort();

            // Neighbouring voxels mostly share their combination: its code is looked up again only when it changes.
            if (last is not null && set.SequenceEqual(last))
            {
                data[voxel] = lastCode;
                continue;
            }

            var key = string.Join(',', set);
            if (!codes.TryGetValue(key, out var code))
            {
                if (next > ushort.MaxValue)
                {
                    throw new ArgumentException("more combinations of overlapping structures than label values left", nameof(overlaps));
                }

                code = (ushort)next++;
                codes[key] = code;
                members[code] = [.. set];
            }

            data[voxel] = code;
            (last, lastCode) = (members[code], code);
        }

        var also = new Dictionary<ushort, ushort[]>();
        foreach (var value in table.Structures.Keys)
        {
            ushort[] containing = [.. members.Where(m => m.Value.Contains(value)).Select(static m => m.Key).Order()];
            if (containing.Length > 0)
            {
                also[value] = containing;
            }
        }

        return new RegionMap(new Volume<ushort>(labels.SizeX, labels.SizeY, labels.SizeZ, labels.Geometry, data), also, codes.Count);
    }

    /// <summary>The further values of the map that belong to structure <paramref name="value"/>; null when none.</summary>
    public IReadOnlyList<ushort>? AlsoLabels(ushort value) => also.TryGetValue(value, out var more) ? more : null;
}
