namespace ContinualSegment.Imaging.Contours;

/// <summary>A point in a slice's pixel frame: X along columns, Y along rows, pixel centres at integers.</summary>
public readonly record struct Point2(double X, double Y);
