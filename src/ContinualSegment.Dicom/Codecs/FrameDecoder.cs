namespace ContinualSegment.Dicom.Codecs;

/// <summary>A codec's decoder of one compressed frame into a native frame buffer.</summary>
internal delegate void FrameDecoder(ReadOnlySpan<byte> data, ImagePixelDescription description, Span<byte> destination);
