namespace ContinualSegment.Imaging.RtStruct;

/// <summary>Per layer, label and slice: the pixel bounding box, found in one pass over each label map.</summary>
internal sealed class SliceBoxes
{
    // Per (layer, label): four ints per slice (x0, y0, x1, y1), x1 = -1 where the slice lacks the label.
    private readonly Dictionary<(int Layer, ushort Label), int[]> boxes = [];

    public static SliceBoxes Compute(IReadOnlyList<Volume<ushort>> layers, IReadOnlyList<RtRoi> rois)
    {
        var result = new SliceBoxes();
        foreach (var layerIndex in rois.Select(r => r.Layer).Distinct())
        {
            var layer = layers[layerIndex];
            var wanted = new bool[ushort.MaxValue + 1];
            var labels = rois.Where(r => r.Layer == layerIndex).SelectMany(r => r.AllLabels).Distinct().ToArray();
            foreach (var label in labels)
            {
                wanted[label] = true;
                var slices = new int[layer.SizeZ * 4];
                for (var z = 0; z < layer.SizeZ; z++)
                {
                    slices[(z * 4) + 2] = -1;
                }

                result.boxes[(layerIndex, label)] = slices;
            }

            // Slices are independent: scan them in parallel, each writing only its own four ints per label.
            Parallel.For(0, layer.SizeZ, () => new int[(ushort.MaxValue + 1) * 4], (z, _, box) =>
            {
                ScanSlice(layer, z, wanted, labels, box);
                foreach (var label in labels)
                {
                    var b = label * 4;
                    if (box[b + 2] >= 0)
                    {
                        box.AsSpan(b, 4).CopyTo(result.boxes[(layerIndex, label)].AsSpan(z * 4, 4));
                    }
                }

                return box;
            }, static _ => { });
        }

        return result;
    }

    /// <summary>The union of the boxes of <paramref name="labels"/> on slice <paramref name="z"/>; null when none is there.</summary>
    public (int X0, int Y0, int X1, int Y1)? Get(int layer, IReadOnlyList<ushort> labels, int z)
    {
        (int X0, int Y0, int X1, int Y1)? union = null;
        foreach (var label in labels)
        {
            if (boxes.TryGetValue((layer, label), out var slices) && slices[(z * 4) + 2] >= 0)
            {
                var b = (slices[z * 4], slices[(z * 4) + 1], slices[(z * 4) + 2], slices[(z * 4) + 3]);
                union = union is { } u ? (Math.Min(u.X0, b.Item1), Math.Min(u.Y0, b.Item2), Math.Max(u.X1, b.Item3), Math.Max(u.Y1, b.Item4)) : b;
            }
        }

        return union;
    }

    private static void ScanSlice(Volume<ushort> layer, int z, bool[] wanted, ushort[] labels, int[] box)
    {
        // box holds (x0, y0, x1, y1) per label; reset the x1 markers of the wanted labels first.
        foreach (var label in labels)
        {
            box[(label * 4) + 2] = -1;
        }

        ReadOnlySpan<ushort> slice = layer.Slice(z);
        for (var y = 0; y < layer.SizeY; y++)
        {
            var row = slice.Slice(y * layer.SizeX, layer.SizeX);

            // One look per run of equal values: the run spans x..end.
            for (var x = 0; x < row.Length;)
            {
                var label = row[x];
                var run = row[x..].IndexOfAnyExcept(label);
                var end = run < 0 ? row.Length - 1 : x + run - 1;
                var start = x;
                x = end + 1;
                if (label == 0 || !wanted[label])
                {
                    continue;
                }

                var b = label * 4;
                if (box[b + 2] < 0)
                {
                    box[b] = start;
                    box[b + 1] = y;
                    box[b + 2] = end;
                    box[b + 3] = y;
                    continue;
                }

                // Rows come in order, so y only grows; x extends either way.
                if (start < box[b])
                {
                    box[b] = start;
                }

                if (end > box[b + 2])
                {
                    box[b + 2] = end;
                }

                box[b + 3] = y;
            }
        }
    }
}
