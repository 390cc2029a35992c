namespace ContinualSegment.Imaging.Segmentation;

/// <summary>A segment as read from a Segmentation: its number, its description and its algorithm type.</summary>
public sealed record ReadSegment(int Number, SegmentDescription Description, string AlgorithmType);
