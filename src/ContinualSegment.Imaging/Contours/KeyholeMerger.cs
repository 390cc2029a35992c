using System.Runtime.InteropServices;

namespace ContinualSegment.Imaging.Contours;

/// <summary>
/// Joins each hole to the outer polygon that encloses it by a zero-width channel ("keyhole"), so that a
/// structure with holes is written as one closed planar contour per island, as RT Structure Set readers
/// that do not support CLOSEDPLANAR_XOR expect.
/// </summary>
public static class KeyholeMerger
{
    /// <summary>Returns one polygon per outer boundary, with its holes spliced in.</summary>
    public static IReadOnlyList<ContourPolygon> Merge(IReadOnlyList<ContourPolygon> polygons)
    {
        ArgumentNullException.ThrowIfNull(polygons);
        var outers = polygons.Where(p => !p.IsHole).Select(p => p.Points.ToList()).ToList();
        var outerAreas = outers.Select(o => PolygonMath.SignedArea(o)).ToList();
        var holes = polygons.Where(p => p.IsHole).ToList();

        foreach (var hole in holes)
        {
            // The enclosing outer with the smallest area is the hole's parent.
            var parent = -1;
            for (var k = 0; k < outers.Count; k++)
            {
                if (PolygonMath.Contains(outers[k], hole.Points[0]) && (parent < 0 || outerAreas[k] < outerAreas[parent]))
                {
                    parent = k;
                }
            }

            if (parent < 0)
            {
                continue;
            }

            outers[parent] = Splice(outers[parent], hole.Points);
        }

        return outers.Select(o => new ContourPolygon(o)).ToList();
    }

    private static List<Point2> Splice(List<Point2> outer, IReadOnlyList<Point2> hole)
    {
        ReadOnlySpan<Point2> o = CollectionsMarshal.AsSpan(outer);
        Point2[] h = [.. hole];
        var bestOuter = 0;
        var bestHole = 0;
        var best = double.MaxValue;
        for (var i = 0; i < o.Length; i++)
        {
            var p = o[i];
            for (var j = 0; j < h.Length; j++)
            {
                var dx = p.X - h[j].X;
                var dy = p.Y - h[j].Y;
                var d = (dx * dx) + (dy * dy);
                if (d < best)
                {
                    best = d;
                    bestOuter = i;
                    bestHole = j;
                }
            }
        }

        var merged = new List<Point2>(o.Length + h.Length + 2);
        merged.AddRange(o[..(bestOuter + 1)]);
        for (var k = 0; k <= h.Length; k++)
        {
            merged.Add(h[(bestHole + k) % h.Length]);
        }

        merged.AddRange(o[bestOuter..]);
        return merged;
    }
}
