namespace ContinualSegment.Dicom.Codecs;

/// <summary>Encodes native little-endian frames to a compressed transfer syntax (RLE Lossless, JPEG Lossless SV1).</summary>
public static class PixelDataEncoder
{
    /// <summary>Encodes one frame. The result is one fragment's content before even-length padding.</summary>
    /// <exception cref="DicomException">The transfer syntax cannot be encoded here or the image does not fit it.</exception>
    public static byte[] EncodeFrame(string transferSyntaxUid, ImagePixelDescription description, ReadOnlySpan<byte> nativeFrame)
    {
        ArgumentNullException.ThrowIfNull(transferSyntaxUid);
        TransferSyntaxCodecs.EnsureEncodable(transferSyntaxUid);
        return transferSyntaxUid == TransferSyntaxCodecs.RleLossless
            ? RleCodec.Encode(nativeFrame, description)
            : JpegLosslessEncoder.Encode(nativeFrame, description);
    }
}
