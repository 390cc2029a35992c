using System.Runtime.InteropServices;

namespace ContinualSegment.Imaging.Contours;

/// <summary>Small polygon helpers shared by the contour code.</summary>
public static class PolygonMath
{
    /// <summary>Signed area by the shoelace formula.</summary>
    public static double SignedArea(IReadOnlyList<Point2> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        double sum = 0;
        for (int i = 0, n = points.Count; i < n; i++)
        {
            var a = points[i];
            var b = points[(i + 1) % n];
            sum += (a.X * b.Y) - (b.X * a.Y);
        }

        return sum / 2;
    }

    /// <summary>Even-odd point-in-polygon test (a point exactly on an edge may go either way).</summary>
    public static bool Contains(IReadOnlyList<Point2> polygon, Point2 p)
    {
        ArgumentNullException.ThrowIfNull(polygon);
        return polygon switch
        {
            Point2[] array => Contains(array.AsSpan(), p),
            List<Point2> list => Contains(CollectionsMarshal.AsSpan(list), p),
            _ => Contains([.. polygon], p),
        };
    }

    /// <summary>Even-odd point-in-polygon test on a span of vertices.</summary>
    public static bool Contains(ReadOnlySpan<Point2> polygon, Point2 p)
    {
        var inside = false;
        for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
        {
            var a = polygon[i];
            var b = polygon[j];
            if ((a.Y > p.Y) != (b.Y > p.Y) && p.X < ((b.X - a.X) * (p.Y - a.Y) / (b.Y - a.Y)) + a.X)
            {
                inside = !inside;
            }
        }

        return inside;
    }
}
