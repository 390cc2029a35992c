namespace ContinualSegment.Imaging.Contours;

/// <summary>
/// Douglas–Peucker thinning of closed polygons with a bounded error in millimetres: every removed vertex
/// lies within <c>toleranceMm</c> of the simplified outline.
/// </summary>
public static class PolygonSimplifier
{
    /// <summary>Simplifies a closed polygon given in pixel units with the pixel spacing in mm.</summary>
    /// <returns>The simplified polygon; the input itself when simplifying would leave fewer than 3 vertices.</returns>
    public static IReadOnlyList<Point2> Simplify(IReadOnlyList<Point2> points, double toleranceMm, double spacingX, double spacingY)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfNegative(toleranceMm);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spacingX);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spacingY);
        var n = points.Count;
        if (n <= 3)
        {
            return points;
        }

        // Split the ring at vertex 0 and the vertex farthest from it; thin both chains.
        var far = 0;
        var farDistance = -1.0;
        for (var i = 1; i < n; i++)
        {
            var d = Distance2(points[0], points[i], spacingX, spacingY);
            if (d > farDistance)
            {
                farDistance = d;
                far = i;
            }
        }

        var keep = new bool[n + 1];
        keep[0] = keep[far] = keep[n] = true;
        var tolerance2 = toleranceMm * toleranceMm;
        var stack = new Stack<(int From, int To)>();
        stack.Push((0, far));
        stack.Push((far, n));
        while (stack.Count > 0)
        {
            var (from, to) = stack.Pop();
            var a = points[from % n];
            var b = points[to % n];
            var worst = -1;
            var worstDistance = tolerance2;
            for (var i = from + 1; i < to; i++)
            {
                var d = SegmentDistance2(points[i], a, b, spacingX, spacingY);
                if (d > worstDistance)
                {
                    worstDistance = d;
                    worst = i;
                }
            }

            if (worst >= 0)
            {
                keep[worst] = true;
                stack.Push((from, worst));
                stack.Push((worst, to));
            }
        }

        var result = new List<Point2>();
        for (var i = 0; i < n; i++)
        {
            if (keep[i])
            {
                result.Add(points[i]);
            }
        }

        return result.Count >= 3 ? result : points;
    }

    private static double Distance2(Point2 a, Point2 b, double sx, double sy)
    {
        var dx = (a.X - b.X) * sx;
        var dy = (a.Y - b.Y) * sy;
        return (dx * dx) + (dy * dy);
    }

    private static double SegmentDistance2(Point2 p, Point2 a, Point2 b, double sx, double sy)
    {
        var abx = (b.X - a.X) * sx;
        var aby = (b.Y - a.Y) * sy;
        var apx = (p.X - a.X) * sx;
        var apy = (p.Y - a.Y) * sy;
        var length2 = (abx * abx) + (aby * aby);
        var t = length2 == 0 ? 0 : Math.Clamp(((apx * abx) + (apy * aby)) / length2, 0, 1);
        var dx = apx - (t * abx);
        var dy = apy - (t * aby);
        return (dx * dx) + (dy * dy);
    }
}
