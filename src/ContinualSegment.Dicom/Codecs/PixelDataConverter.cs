using System.Buffers.Binary;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>
/// Turns native little-endian frames into typed sample arrays, honouring Bits Allocated, Bits Stored, High Bit
/// and Pixel Representation (masking and sign extension), converts Planar Configuration and applies the modality
/// rescale (for CT: Hounsfield units).
/// </summary>
public static class PixelDataConverter
{
    /// <summary>Stored values of every sample of the frame, masked to Bits Stored and sign-extended when signed.</summary>
    /// <exception cref="DicomException">The frame length does not match the description.</exception>
    public static int[] ToInt32(ReadOnlySpan<byte> frame, ImagePixelDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        int count = CheckFrame(frame, description);
        if (description.PixelRepresentation == 0 && description.BitsStored == 32)
        {
            throw new DicomException("Unsigned 32-bit samples do not fit Int32");
        }

        var result = new int[count];
        int shift = description.HighBit - description.BitsStored + 1;
        int bits = description.BitsStored;
        bool signed = description.PixelRepresentation == 1;
        switch (description.BitsAllocated)
        {
            case 8:
                for (int i = 0; i < count; i++)
                {
                    result[i] = Extract(frame[i], shift, bits, signed);
                }

                break;
            case 16:
                for (int i = 0; i < count; i++)
                {
                    result[i] = Extract(BinaryPrimitives.ReadUInt16LittleEndian(frame[(2 * i)..]), shift, bits, signed);
                }

                break;
            default:
                for (int i = 0; i < count; i++)
                {
                    result[i] = Extract(BinaryPrimitives.ReadUInt32LittleEndian(frame[(4 * i)..]), shift, bits, signed);
                }

                break;
        }

        return result;
    }

    /// <summary>Samples as unsigned 16-bit values (Pixel Representation 0, Bits Stored at most 16).</summary>
    /// <exception cref="DicomException">The samples are signed or wider than 16 bits, or the frame length is wrong.</exception>
    public static ushort[] ToUInt16(ReadOnlySpan<byte> frame, ImagePixelDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        int count = CheckFrame(frame, description);
        if (description.PixelRepresentation != 0 || description.BitsStored > 16)
        {
            throw new DicomException($"Samples ({description.BitsStored} bits, pixel representation {description.PixelRepresentation}) do not fit UInt16");
        }

        var result = new ushort[count];
        int shift = description.HighBit - description.BitsStored + 1;
        uint mask = (1u << description.BitsStored) - 1;
        switch (description.BitsAllocated)
        {
            case 8:
                for (int i = 0; i < count; i++)
                {
                    result[i] = (ushort)((frame[i] >> shift) & mask);
                }

                break;
            case 16:
                for (int i = 0; i < count; i++)
                {
                    result[i] = (ushort)((BinaryPrimitives.ReadUInt16LittleEndian(frame[(2 * i)..]) >> shift) & mask);
                }

                break;
            default:
                for (int i = 0; i < count; i++)
                {
                    result[i] = (ushort)((BinaryPrimitives.ReadUInt32LittleEndian(frame[(4 * i)..]) >> shift) & mask);
                }

                break;
        }

        return result;
    }

    /// <summary>Samples as signed 16-bit values (signed data of at most 16 bits, or unsigned data of at most 15 bits).</summary>
    /// <exception cref="DicomException">The samples do not fit Int16, or the frame length is wrong.</exception>
    public static short[] ToInt16(ReadOnlySpan<byte> frame, ImagePixelDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        CheckFrame(frame, description);
        bool fits = description.PixelRepresentation == 1 ? description.BitsStored <= 16 : description.BitsStored <= 15;
        if (!fits)
        {
            throw new DicomException($"Samples ({description.BitsStored} bits, pixel representation {description.PixelRepresentation}) do not fit Int16");
        }

        int[] values = ToInt32(frame, description);
        var result = new short[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = (short)values[i];
        }

        return result;
    }

    /// <summary>Samples as bytes (unsigned data of at most 8 bits stored).</summary>
    /// <exception cref="DicomException">The samples do not fit a byte, or the frame length is wrong.</exception>
    public static byte[] ToByte(ReadOnlySpan<byte> frame, ImagePixelDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        int count = CheckFrame(frame, description);
        if (description.PixelRepresentation != 0 || description.BitsStored > 8)
        {
            throw new DicomException($"Samples ({description.BitsStored} bits, pixel representation {description.PixelRepresentation}) do not fit a byte");
        }

        var result = new byte[count];
        ushort[] values = ToUInt16(frame, description);
        for (int i = 0; i < count; i++)
        {
            result[i] = (byte)values[i];
        }

        return result;
    }

    /// <summary>
    /// Modality-rescaled values (value * slope + intercept), e.g. Hounsfield units for CT, of a single-sample frame.
    /// </summary>
    /// <exception cref="DicomException">The image has more than one sample per pixel, or the frame length is wrong.</exception>
    public static float[] ToRescaled(ReadOnlySpan<byte> frame, ImagePixelDescription description, double rescaleSlope, double rescaleIntercept)
    {
        ArgumentNullException.ThrowIfNull(description);
        var result = new float[description.PixelsPerFrame];
        ToRescaled(frame, description, rescaleSlope, rescaleIntercept, result);
        return result;
    }

    /// <summary>
    /// As <see cref="ToRescaled(ReadOnlySpan{byte}, ImagePixelDescription, double, double)"/>, into
    /// <paramref name="destination"/> (one value per pixel of the frame), e.g. a slice of a volume.
    /// </summary>
    /// <exception cref="DicomException">The frame does not match the description, or the rescale is not finite.</exception>
    /// <exception cref="ArgumentException">The destination does not hold one value per pixel.</exception>
    public static void ToRescaled(ReadOnlySpan<byte> frame, ImagePixelDescription description, double rescaleSlope, double rescaleIntercept, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(description);
        if (description.SamplesPerPixel != 1)
        {
            throw new DicomException("Modality rescale applies to single-sample (monochrome) images only");
        }

        if (!double.IsFinite(rescaleSlope) || !double.IsFinite(rescaleIntercept))
        {
            throw new DicomException($"Rescale slope {rescaleSlope} and intercept {rescaleIntercept} must be finite");
        }

        CheckFrame(frame, description);
        if (destination.Length != description.PixelsPerFrame)
        {
            throw new ArgumentException($"{destination.Length} values for a frame of {description.PixelsPerFrame} pixels", nameof(destination));
        }

        if (description.PixelRepresentation == 0 && description.BitsStored == 32)
        {
            for (int i = 0; i < destination.Length; i++)
            {
                uint v = BinaryPrimitives.ReadUInt32LittleEndian(frame[(4 * i)..]) >> (description.HighBit - 31);
                destination[i] = (float)((v * rescaleSlope) + rescaleIntercept);
            }

            return;
        }

        int[] values = ToInt32(frame, description);
        for (int i = 0; i < values.Length; i++)
        {
            destination[i] = (float)((values[i] * rescaleSlope) + rescaleIntercept);
        }
    }

    /// <summary>Returns the frame rearranged to the given Planar Configuration (a copy even when it already is).</summary>
    /// <exception cref="DicomException">The frame length does not match the description.</exception>
    public static byte[] ToPlanarConfiguration(ReadOnlySpan<byte> frame, ImagePixelDescription description, int planarConfiguration)
    {
        ArgumentNullException.ThrowIfNull(description);
        CheckFrame(frame, description);
        if (planarConfiguration is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(planarConfiguration), planarConfiguration, "Planar Configuration is 0 or 1");
        }

        var result = new byte[frame.Length];
        if (description.PlanarConfiguration == planarConfiguration || description.SamplesPerPixel == 1)
        {
            frame.CopyTo(result);
        }
        else
        {
            ChangePlanarConfiguration(frame, description, result);
        }

        return result;
    }

    /// <summary>
    /// Writes <paramref name="source"/>, arranged as <paramref name="sourceDescription"/>'s Planar Configuration says,
    /// into <paramref name="destination"/> in the other arrangement (colour-by-pixel to colour-by-plane or back).
    /// </summary>
    public static void ChangePlanarConfiguration(ReadOnlySpan<byte> source, ImagePixelDescription sourceDescription, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(sourceDescription);
        CheckFrame(source, sourceDescription);
        if (destination.Length != source.Length)
        {
            throw new ArgumentException("Destination must be as long as the source", nameof(destination));
        }

        int samples = sourceDescription.SamplesPerPixel;
        int pixels = (int)sourceDescription.PixelsPerFrame;
        int size = sourceDescription.BytesPerSample;
        bool toPlanar = sourceDescription.PlanarConfiguration == 0;
        for (int s = 0; s < samples; s++)
        {
            for (int p = 0; p < pixels; p++)
            {
                int interleaved = ((p * samples) + s) * size;
                int planar = ((s * pixels) + p) * size;
                if (toPlanar)
                {
                    source.Slice(interleaved, size).CopyTo(destination[planar..]);
                }
                else
                {
                    source.Slice(planar, size).CopyTo(destination[interleaved..]);
                }
            }
        }
    }

    private static int CheckFrame(ReadOnlySpan<byte> frame, ImagePixelDescription description)
    {
        description.Validate();
        if (frame.Length != description.FrameLength)
        {
            throw new DicomException($"Frame holds {frame.Length} bytes, the description needs {description.FrameLength}");
        }

        return (int)(description.PixelsPerFrame * description.SamplesPerPixel);
    }

    private static int Extract(uint raw, int shift, int bits, bool signed)
    {
        uint v = raw >> shift;
        if (bits < 32)
        {
            v &= (1u << bits) - 1;
            if (signed && (v & (1u << (bits - 1))) != 0)
            {
                v |= ~((1u << bits) - 1);
            }
        }

        return (int)v;
    }
}
