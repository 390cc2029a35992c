namespace ContinualSegment.Imaging.Series;

/// <summary>One source image: an instance, and for multi-frame instances the frame (1-based; 0 for single-frame images).</summary>
public sealed record SourceImageReference(string SopClassUid, string SopInstanceUid, int FrameNumber = 0);
