namespace ContinualSegment.Imaging.Contours;

/// <summary>
/// Turns one structure's pixels in one slice into RT-ready closed polygons: marching squares on the
/// structure's bounding box, holes by keyhole or kept apart, then thinning with a bounded error.
/// </summary>
public static class SliceContourer
{
    /// <summary>Contours the pixels of <paramref name="slice"/> equal to <paramref name="label"/> inside the box.</summary>
    /// <param name="slice">One slice of a label map, row-major.</param>
    /// <param name="width">Columns of the slice.</param>
    /// <param name="height">Rows of the slice.</param>
    /// <param name="label">The label value to contour.</param>
    /// <param name="box">Inclusive pixel bounds holding every pixel of the label (x0, y0, x1, y1).</param>
    /// <param name="spacingX">Column spacing in mm.</param>
    /// <param name="spacingY">Row spacing in mm.</param>
    /// <param name="toleranceMm">Thinning error bound (0 keeps every vertex).</param>
    /// <param name="holes">How holes are written.</param>
    public static IReadOnlyList<ContourPolygon> Contour<T>(
        ReadOnlySpan<T> slice,
        int width,
        int height,
        T label,
        (int X0, int Y0, int X1, int Y1) box,
        double spacingX,
        double spacingY,
        double toleranceMm,
        HoleMode holes)
        where T : unmanaged, IEquatable<T>
        => Contour(slice, width, height, [label], box, spacingX, spacingY, toleranceMm, holes);

    /// <summary>Contours the pixels whose value is any of <paramref name="labels"/> as one region.</summary>
    public static IReadOnlyList<ContourPolygon> Contour<T>(
        ReadOnlySpan<T> slice,
        int width,
        int height,
        IReadOnlyList<T> labels,
        (int X0, int Y0, int X1, int Y1) box,
        double spacingX,
        double spacingY,
        double toleranceMm,
        HoleMode holes)
        where T : unmanaged, IEquatable<T>
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (slice.Length != (long)width * height)
        {
            throw new ArgumentException($"slice has {slice.Length} values, expected {width}×{height}", nameof(slice));
        }

        if (box.X0 < 0 || box.Y0 < 0 || box.X1 >= width || box.Y1 >= height || box.X0 > box.X1 || box.Y0 > box.Y1)
        {
            throw new ArgumentOutOfRangeException(nameof(box), $"box {box} is not inside the {width}×{height} slice");
        }

        var w = box.X1 - box.X0 + 1;
        var h = box.Y1 - box.Y0 + 1;
        var sub = new byte[w * h];
        ReadOnlySpan<T> wanted = [.. labels];
        for (var y = 0; y < h; y++)
        {
            var row = slice.Slice(((box.Y0 + y) * width) + box.X0, w);
            var target = sub.AsSpan(y * w, w);
            for (var x = 0; x < w; x++)
            {
                if (wanted.Contains(row[x]))
                {
                    target[x] = 1;
                }
            }
        }

        var traced = MarchingSquares.Trace(sub, w, h);
        var shaped = holes == HoleMode.Keyhole ? KeyholeMerger.Merge(traced) : traced;
        var result = new List<ContourPolygon>(shaped.Count);
        foreach (var polygon in shaped)
        {
            var thinned = PolygonSimplifier.Simplify(polygon.Points, toleranceMm, spacingX, spacingY);
            if (thinned.Count < 3)
            {
                continue;
            }

            result.Add(new ContourPolygon(thinned.Select(p => new Point2(p.X + box.X0, p.Y + box.Y0)).ToList()));
        }

        return result;
    }
}
