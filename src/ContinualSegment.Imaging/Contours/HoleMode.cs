namespace ContinualSegment.Imaging.Contours;

/// <summary>How holes in a slice of a structure are written to an RT Structure Set.</summary>
public enum HoleMode
{
    /// <summary>Each hole joined to its enclosing contour by a zero-width channel (CLOSED_PLANAR).</summary>
    Keyhole,

    /// <summary>Holes as contours of their own, combined by exclusive or (CLOSEDPLANAR_XOR).</summary>
    Xor,
}
