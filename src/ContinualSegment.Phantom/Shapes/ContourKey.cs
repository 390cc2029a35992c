namespace ContinualSegment.Phantom.Shapes;

/// <summary>One axial cross-section of the body outline: centre (x, y), half-widths, superellipse exponent.</summary>
internal readonly record struct ContourKey(double Z, double CentreX, double CentreY, double RadiusX, double RadiusY, double Exponent);
