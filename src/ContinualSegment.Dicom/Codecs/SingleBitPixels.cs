namespace ContinualSegment.Dicom.Codecs;

/// <summary>
/// Bits Allocated = 1 pixel data (e.g. binary segmentations): pixels are packed eight to a byte, the first pixel in
/// the least significant bit, and frames follow each other without byte alignment (PS3.5 8.1.1).
/// </summary>
public static class SingleBitPixels
{
    /// <summary>Packed length in bytes of <paramref name="pixelCount"/> one-bit pixels (before even-length padding).</summary>
    public static long PackedLength(long pixelCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pixelCount);
        return (pixelCount + 7) / 8;
    }

    /// <summary>Packs one byte per pixel (zero = 0, any other value = 1) into bits.</summary>
    public static byte[] Pack(ReadOnlySpan<byte> pixels)
    {
        var packed = new byte[PackedLength(pixels.Length)];
        for (int i = 0; i < pixels.Length; i++)
        {
            if (pixels[i] != 0)
            {
                packed[i >> 3] |= (byte)(1 << (i & 7));
            }
        }

        return packed;
    }

    /// <summary>
    /// Unpacks <paramref name="pixelCount"/> pixels starting at pixel <paramref name="firstPixel"/> (for frame f of
    /// an image of n pixels per frame: f * n) into one byte (0 or 1) per pixel.
    /// </summary>
    /// <exception cref="DicomException">The packed data is shorter than the requested pixels.</exception>
    public static byte[] Unpack(ReadOnlySpan<byte> packed, long firstPixel, int pixelCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstPixel);
        ArgumentOutOfRangeException.ThrowIfNegative(pixelCount);
        if (PackedLength(firstPixel + pixelCount) > packed.Length)
        {
            throw new DicomException($"Bit-packed pixel data of {packed.Length} bytes does not hold pixels {firstPixel}..{firstPixel + pixelCount - 1}");
        }

        var pixels = new byte[pixelCount];
        for (int i = 0; i < pixelCount; i++)
        {
            long bit = firstPixel + i;
            pixels[i] = (byte)((packed[(int)(bit >> 3)] >> (int)(bit & 7)) & 1);
        }

        return pixels;
    }
}
