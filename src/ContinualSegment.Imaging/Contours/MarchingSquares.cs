namespace ContinualSegment.Imaging.Contours;

/// <summary>
/// Traces the boundaries of a binary slice mask as closed polygons through the midpoints between
/// foreground and background pixel centres (marching squares at iso-level 0.5). A polygon traced this
/// way contains exactly the foreground pixel centres, so rasterising it by pixel centres gives the mask
/// back. Diagonal-only neighbours are kept apart (4-connected foreground). Islands come out as separate
/// outer polygons and holes as separate hole polygons.
/// </summary>
public static class MarchingSquares
{
    // Segments per case, as pairs of cell edges. Bits: 1 top-left, 2 top-right, 4 bottom-right, 8 bottom-left.
    // Edges: 0 top, 1 right, 2 bottom, 3 left.
    private static readonly int[][] Segments =
    [
        [], [3, 0], [0, 1], [3, 1], [1, 2], [3, 0, 1, 2], [0, 2], [3, 2],
        [2, 3], [0, 2], [0, 1, 2, 3], [1, 2], [3, 1], [0, 1], [3, 0], [],
    ];

    /// <summary>Traces every boundary of <paramref name="mask"/> (row-major, non-zero = foreground).</summary>
    /// <returns>Outer polygons (positive area) and holes (negative area), each with at least 4 vertices.</returns>
    public static IReadOnlyList<ContourPolygon> Trace(ReadOnlySpan<byte> mask, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (mask.Length != (long)width * height)
        {
            throw new ArgumentException($"mask has {mask.Length} values, expected {width}×{height}", nameof(mask));
        }

        // Vertices live at doubled coordinates: (2i+1, 2j) on horizontal edges, (2i, 2j+1) on vertical ones,
        // with i in -1..width and j in -1..height (a one-pixel background border closes every contour).
        var keyWidth = (2L * width) + 6;
        var neighbours = new Dictionary<long, (long A, long B)>();
        var edgeKeys = new long[4];

        for (var j = -1; j < height; j++)
        {
            for (var i = -1; i < width; i++)
            {
                var code = (At(mask, width, height, i, j) ? 1 : 0)
                    | (At(mask, width, height, i + 1, j) ? 2 : 0)
                    | (At(mask, width, height, i + 1, j + 1) ? 4 : 0)
                    | (At(mask, width, height, i, j + 1) ? 8 : 0);
                var segs = Segments[code];
                if (segs.Length == 0)
                {
                    continue;
                }

                edgeKeys[0] = Key((2 * i) + 1, 2 * j, keyWidth);
                edgeKeys[1] = Key(2 * (i + 1), (2 * j) + 1, keyWidth);
                edgeKeys[2] = Key((2 * i) + 1, 2 * (j + 1), keyWidth);
                edgeKeys[3] = Key(2 * i, (2 * j) + 1, keyWidth);
                for (var s = 0; s < segs.Length; s += 2)
                {
                    Link(neighbours, edgeKeys[segs[s]], edgeKeys[segs[s + 1]]);
                    Link(neighbours, edgeKeys[segs[s + 1]], edgeKeys[segs[s]]);
                }
            }
        }

        var polygons = new List<ContourPolygon>();
        var visited = new HashSet<long>();
        foreach (var start in neighbours.Keys)
        {
            if (!visited.Add(start))
            {
                continue;
            }

            var loop = new List<Point2> { ToPoint(start, keyWidth) };
            var previous = start;
            var current = neighbours[start].A;
            while (current != start)
            {
                visited.Add(current);
                loop.Add(ToPoint(current, keyWidth));
                var (a, b) = neighbours[current];
                var next = a == previous ? b : a;
                previous = current;
                current = next;
            }

            polygons.Add(new ContourPolygon(loop));
        }

        return Orient(polygons);
    }

    private static bool At(ReadOnlySpan<byte> mask, int width, int height, int i, int j)
        => i >= 0 && j >= 0 && i < width && j < height && mask[(j * width) + i] != 0;

    private static long Key(int x2, int y2, long keyWidth) => ((y2 + 2L) * keyWidth) + x2 + 2L;

    private static Point2 ToPoint(long key, long keyWidth)
        => new(((key % keyWidth) - 2) / 2.0, ((key / keyWidth) - 2) / 2.0);

    private static void Link(Dictionary<long, (long A, long B)> neighbours, long from, long to)
    {
        if (neighbours.TryGetValue(from, out var pair))
        {
            neighbours[from] = (pair.A, to);
        }
        else
        {
            neighbours[from] = (to, -1);
        }
    }

    // Nesting depth decides outer (even) or hole (odd); orientation is then made to match.
    private static List<ContourPolygon> Orient(List<ContourPolygon> loops)
    {
        var result = new List<ContourPolygon>(loops.Count);
        for (var k = 0; k < loops.Count; k++)
        {
            var probe = loops[k].Points[0];
            var depth = 0;
            for (var m = 0; m < loops.Count; m++)
            {
                if (m != k && PolygonMath.Contains(loops[m].Points, probe))
                {
                    depth++;
                }
            }

            var wantHole = depth % 2 == 1;
            var points = loops[k].Points;
            if ((PolygonMath.SignedArea(points) < 0) != wantHole)
            {
                points = points.Reverse().ToList();
            }

            result.Add(new ContourPolygon(points));
        }

        return result;
    }
}
