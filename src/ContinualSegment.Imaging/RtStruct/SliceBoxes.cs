namespace ContinualSegment.Imaging.RtStruct;

/// <summary>Per layer, label and slice: the pixel bounding box, found in one pass over each label map.</summary>
internal sealed class SliceBoxes
{
    private readonly Dictionary<(int Layer, ushort Label), (int X0, int Y0, int X1, int Y1)?[]> boxes = [];

    public static SliceBoxes Compute(IReadOnlyList<Volume<ushort>> layers, IReadOnlyList<RtRoi> rois)
    {
        var result = new SliceBoxes();
        foreach (var layerIndex in rois.Select(r => r.Layer).Distinct())
        {
            var layer = layers[layerIndex];
            var wanted = new bool[ushort.MaxValue + 1];
            foreach (var label in rois.Where(r => r.Layer == layerIndex).SelectMany(r => r.AllLabels).Distinct())
            {
                wanted[label] = true;
                result.boxes[(layerIndex, label)] = new (int, int, int, int)?[layer.SizeZ];
            }

            var perSlice = new (int X0, int Y0, int X1, int Y1)?[ushort.MaxValue + 1];
            for (var z = 0; z < layer.SizeZ; z++)
            {
                Array.Clear(perSlice);
                var offset = z * layer.SizeX * layer.SizeY;
                for (var y = 0; y < layer.SizeY; y++)
                {
                    var row = offset + (y * layer.SizeX);
                    for (var x = 0; x < layer.SizeX; x++)
                    {
                        var label = layer.Data[row + x];
                        if (label == 0 || !wanted[label])
                        {
                            continue;
                        }

                        perSlice[label] = perSlice[label] is { } b
                            ? (Math.Min(b.X0, x), Math.Min(b.Y0, y), Math.Max(b.X1, x), Math.Max(b.Y1, y))
                            : (x, y, x, y);
                    }
                }

                foreach (var ((l, label), slices) in result.boxes)
                {
                    if (l == layerIndex)
                    {
                        slices[z] = perSlice[label];
                    }
                }
            }
        }

        return result;
    }

    /// <summary>The union of the boxes of <paramref name="labels"/> on slice <paramref name="z"/>; null when none is there.</summary>
    public (int X0, int Y0, int X1, int Y1)? Get(int layer, IReadOnlyList<ushort> labels, int z)
    {
        (int X0, int Y0, int X1, int Y1)? union = null;
        foreach (var label in labels)
        {
            if (boxes.TryGetValue((layer, label), out var slices) && slices[z] is { } b)
            {
                union = union is { } u ? (Math.Min(u.X0, b.X0), Math.Min(u.Y0, b.Y0), Math.Max(u.X1, b.X1), Math.Max(u.Y1, b.Y1)) : b;
            }
        }

        return union;
    }
}
