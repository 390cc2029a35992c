namespace ContinualSegment.Imaging.Contours;

/// <summary>
/// A closed polygon in a slice's pixel frame (the first point is not repeated at the end).
/// Outer boundaries have positive signed area, holes negative.
/// </summary>
/// <param name="Points">The vertices, in order.</param>
public sealed record ContourPolygon(IReadOnlyList<Point2> Points)
{
    /// <summary>Signed area by the shoelace formula, in square pixels (x right, y down).</summary>
    public double SignedArea => PolygonMath.SignedArea(Points);

    /// <summary>True for a hole (negative signed area).</summary>
    public bool IsHole => SignedArea < 0;
}
