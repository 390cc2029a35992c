namespace ContinualSegment.Imaging.RtStruct;

/// <summary>An image of the referenced series: one slice of the volume, in slice order.</summary>
public sealed record RtReferencedImage(string SopClassUid, string SopInstanceUid);
