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
            foreach (var roi in rois.Where(r => r.Layer == layerIndex))
            {
                wanted[roi.Label] = true;
                result.boxes[(layerIndex, roi.Label)] = new (int, int, int, int)?[layer.SizeZ];
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

    public (int X0, int Y0, int X1, int Y1)? Get(int layer, ushort label, int z)
        => boxes.TryGetValue((layer, label), out var slices) ? slices[z] : null;
}
