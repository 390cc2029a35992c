namespace ContinualSegment.Imaging.RtStruct;

/// <summary>
/// An image of the referenced series: one slice of the volume, in slice order. For a multi-frame instance (Enhanced CT)
/// <paramref name="FrameNumber"/> is the slice's frame (1-based), written as Referenced Frame Number; 0 for single-frame images.
/// </summary>
public sealed record RtReferencedImage(string SopClassUid, string SopInstanceUid, int FrameNumber = 0);
