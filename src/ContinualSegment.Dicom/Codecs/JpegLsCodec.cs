namespace ContinualSegment.Dicom.Codecs;

/// <summary>
/// JPEG-LS lossless and near-lossless decoding (transfer syntaxes 1.2.840.10008.1.2.4.80 and .81) through the
/// system CharLS 2.x library (Debian package libcharls2).
/// </summary>
public static class JpegLsCodec
{
    /// <summary>True when libcharls.so.2 can be loaded on this machine.</summary>
    public static bool IsAvailable => CharLsApi.TryGet() is not null;

    /// <summary>Decodes one JPEG-LS frame into a newly allocated native little-endian frame.</summary>
    /// <exception cref="DicomException">CharLS is missing, the stream is corrupt, or it does not match the description.</exception>
    public static byte[] Decode(ReadOnlySpan<byte> data, ImagePixelDescription description) =>
        CodecFrame.Decode(data, description, Decode);

    /// <summary>
    /// Decodes one JPEG-LS frame into <paramref name="destination"/> (one native frame, arranged as the description's
    /// Planar Configuration says).
    /// </summary>
    /// <exception cref="DicomException">CharLS is missing, the stream is corrupt, or it does not match the description.</exception>
    public static unsafe void Decode(ReadOnlySpan<byte> data, ImagePixelDescription description, Span<byte> destination)
    {
        CodecFrame.CheckDestination(description, destination);

        CharLsApi api = CharLsApi.Require();
        if (description.BitsAllocated > 16)
        {
            throw new DicomException($"JPEG-LS cannot hold {description.BitsAllocated}-bit samples");
        }

        if (data.IsEmpty)
        {
            throw new DicomException("JPEG-LS frame is empty");
        }

        // CharLS can spend a long time on a stream cut short, so a stream without its EOI marker is rejected here.
        // In JPEG-LS entropy-coded data a 0xFF byte is always followed by a byte below 0x80, so FF D9 is only ever EOI.
        if (!EndsWithEoi(data))
        {
            throw new DicomException("JPEG-LS frame is truncated: it does not end with an EOI marker");
        }

        nint decoder = api.DecoderCreate();
        if (decoder == 0)
        {
            throw new DicomException("CharLS could not create a decoder");
        }

        try
        {
            fixed (byte* source = data)
            fixed (byte* target = destination)
            {
                Check(api, api.SetSourceBuffer(decoder, source, (nuint)data.Length), "set source");
                Check(api, api.ReadHeader(decoder), "read header");
                CharLsFrameInfo info;
                Check(api, api.GetFrameInfo(decoder, &info), "frame info");
                if (info.Width != description.Columns || info.Height != description.Rows)
                {
                    throw new DicomException($"JPEG-LS frame is {info.Width}x{info.Height}, the image is {description.Columns}x{description.Rows}");
                }

                if (info.ComponentCount != description.SamplesPerPixel)
                {
                    throw new DicomException($"JPEG-LS frame has {info.ComponentCount} components, the image has {description.SamplesPerPixel} samples per pixel");
                }

                int bytesPerSample = info.BitsPerSample <= 8 ? 1 : 2;
                if (info.BitsPerSample < 2 || info.BitsPerSample > 16 || bytesPerSample != description.BytesPerSample)
                {
                    throw new DicomException($"JPEG-LS precision {info.BitsPerSample} does not fit Bits Allocated {description.BitsAllocated}");
                }

                int mode;
                Check(api, api.GetInterleaveMode(decoder, &mode), "interleave mode");
                nuint size;
                Check(api, api.GetDestinationSize(decoder, 0, &size), "destination size");
                if (size != (nuint)destination.Length)
                {
                    throw new DicomException($"JPEG-LS frame decodes to {size} bytes, the image needs {destination.Length}");
                }

                // Interleave mode none gives colour-by-plane; line and sample modes give colour-by-pixel.
                bool planar = mode == 0 && description.SamplesPerPixel > 1;
                bool wantPlanar = description.PlanarConfiguration == 1 && description.SamplesPerPixel > 1;
                if (planar == wantPlanar)
                {
                    Check(api, api.DecodeToBuffer(decoder, target, size, 0), "decode");
                }
                else
                {
                    byte[] temp = new byte[destination.Length];
                    fixed (byte* t = temp)
                    {
                        Check(api, api.DecodeToBuffer(decoder, t, size, 0), "decode");
                    }

                    PixelDataConverter.ChangePlanarConfiguration(temp, description with { PlanarConfiguration = planar ? 1 : 0 }, destination);
                }

                NativeSampleFixup.SignExtend(destination, description);
            }
        }
        finally
        {
            api.DecoderDestroy(decoder);
        }
    }

    private static bool EndsWithEoi(ReadOnlySpan<byte> data)
    {
        // Allow the even-length padding byte and a few trailing zero bytes some writers add.
        int end = data.Length;
        while (end > 2 && data.Length - end < 4 && data[end - 1] == 0)
        {
            end--;
        }

        return end >= 4 && data[end - 2] == 0xFF && data[end - 1] == 0xD9;
    }

    private static void Check(CharLsApi api, int error, string step)
    {
        if (error != 0)
        {
            throw new DicomException($"JPEG-LS {step} failed: {api.Message(error)}");
        }
    }
}
