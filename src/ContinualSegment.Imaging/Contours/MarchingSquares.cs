using System.Buffers;

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
        // Each vertex has exactly two neighbours; they are kept in flat arrays indexed by the vertex key.
        var keyWidth = (2L * width) + 6;
        var keyCount = keyWidth * ((2L * height) + 6);
        if (keyCount > Array.MaxLength / 2)
        {
            throw new ArgumentException($"a {width}×{height} mask is too large to trace", nameof(mask));
        }

        // The mask with a one-pixel background border, so the cell scan needs no bounds checks.
        var paddedWidth = width + 2;
        var padded = new byte[paddedWidth * (height + 2)];
        for (var j = 0; j < height; j++)
        {
            var row = mask.Slice(j * width, width);
            var target = padded.AsSpan(((j + 1) * paddedWidth) + 1, width);
            for (var i = 0; i < width; i++)
            {
                target[i] = row[i] != 0 ? (byte)1 : (byte)0;
            }
        }

        var first = ArrayPool<int>.Shared.Rent((int)keyCount);
        var second = ArrayPool<int>.Shared.Rent((int)keyCount);
        try
        {
            Array.Fill(first, -1, 0, (int)keyCount);
            return Orient(Link(padded, paddedWidth, width, height, keyWidth, first, second));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(first);
            ArrayPool<int>.Shared.Return(second);
        }
    }

    private static List<ContourPolygon> Link(byte[] padded, int paddedWidth, int width, int height, long keyWidth, int[] first, int[] second)
    {
        var starts = new List<int>();
        Span<int> edgeKeys = stackalloc int[4];
        for (var j = -1; j < height; j++)
        {
            var top = (j + 1) * paddedWidth;
            var bottom = top + paddedWidth;
            for (var i = -1; i < width; i++)
            {
                var c = i + 1;
                var code = padded[top + c] | (padded[top + c + 1] << 1) | (padded[bottom + c + 1] << 2) | (padded[bottom + c] << 3);
                if (code is 0 or 15)
                {
                    continue;
                }

                var segs = Segments[code];
                edgeKeys[0] = Key((2 * i) + 1, 2 * j, keyWidth);
                edgeKeys[1] = Key(2 * (i + 1), (2 * j) + 1, keyWidth);
                edgeKeys[2] = Key((2 * i) + 1, 2 * (j + 1), keyWidth);
                edgeKeys[3] = Key(2 * i, (2 * j) + 1, keyWidth);
                for (var s = 0; s < segs.Length; s += 2)
                {
                    Link(first, second, starts, edgeKeys[segs[s]], edgeKeys[segs[s + 1]]);
                    Link(first, second, starts, edgeKeys[segs[s + 1]], edgeKeys[segs[s]]);
                }
            }
        }

        var polygons = new List<ContourPolygon>();
        foreach (var start in starts)
        {
            if (first[start] < 0)
            {
                continue;
            }

            // Walk the loop, unlinking each vertex so it is not started again.
            var loop = new List<Point2> { ToPoint(start, keyWidth) };
            var previous = start;
            var current = first[start];
            first[start] = -1;
            while (current != start)
            {
                loop.Add(ToPoint(current, keyWidth));
                var next = first[current] == previous ? second[current] : first[current];
                first[current] = -1;
                previous = current;
                current = next;
            }

            polygons.Add(new ContourPolygon(loop));
        }

        return polygons;
    }

    private static int Key(int x2, int y2, long keyWidth) => (int)(((y2 + 2L) * keyWidth) + x2 + 2L);

    private static Point2 ToPoint(int key, long keyWidth)
        => new(((key % keyWidth) - 2) / 2.0, ((key / keyWidth) - 2) / 2.0);

    private static void Link(int[] first, int[] second, List<int> starts, int from, int to)
    {
        if (first[from] < 0)
        {
            first[from] = to;
            starts.Add(from);
        }
        else
        {
            second[from] = to;
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
