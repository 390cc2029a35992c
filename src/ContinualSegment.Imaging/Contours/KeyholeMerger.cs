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
        var bestOuter = 0;
        var bestHole = 0;
        var best = double.MaxValue;
        for (var i = 0; i < outer.Count; i++)
        {
            for (var j = 0; j < hole.Count; j++)
            {
                var dx = outer[i].X - hole[j].X;
                var dy = outer[i].Y - hole[j].Y;
                var d = (dx * dx) + (dy * dy);
                if (d < best)
                {
                    best = d;
                    bestOuter = i;
                    bestHole = j;
                }
            }
        }

        var merged = new List<Point2>(outer.Count + hole.Count + 2);
        merged.AddRange(outer.Take(bestOuter + 1));
        for (var k = 0; k <= hole.Count; k++)
        {
            merged.Add(hole[(bestHole + k) % hole.Count]);
        }

        merged.AddRange(outer.Skip(bestOuter));
        return merged;
    }
}
