namespace ContinualSegment.Imaging;

/// <summary>An 8-bit RGB display colour.</summary>
public readonly record struct RgbColor(byte R, byte G, byte B);
