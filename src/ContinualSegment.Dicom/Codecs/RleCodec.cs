using System.Buffers.Binary;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>
/// RLE Lossless (PS3.5 Annex G): one frame is a 64-byte header of up to 15 segment offsets followed by
/// PackBits-compressed segments, one per byte plane of each sample, most significant byte first.
/// </summary>
public static class RleCodec
{
    private const int HeaderLength = 64;
    private const int MaxSegments = 15;

    /// <summary>Decodes one RLE frame into a newly allocated native little-endian frame.</summary>
    /// <exception cref="DicomException">The frame is corrupt or does not match the description.</exception>
    public static byte[] Decode(ReadOnlySpan<byte> frame, ImagePixelDescription description) =>
        CodecFrame.Decode(frame, description, Decode);

    /// <summary>
    /// Decodes one RLE frame into <paramref name="destination"/> (exactly one native frame long), arranged as the
    /// description's Planar Configuration says.
    /// </summary>
    /// <exception cref="DicomException">The frame is corrupt or does not match the description.</exception>
    public static void Decode(ReadOnlySpan<byte> frame, ImagePixelDescription description, Span<byte> destination)
    {
        CodecFrame.CheckDestination(description, destination);

        if (frame.Length < HeaderLength)
        {
            throw new DicomException($"RLE frame of {frame.Length} bytes is shorter than its 64-byte header");
        }

        int bytesPerSample = description.BytesPerSample;
        int samples = description.SamplesPerPixel;
        int expectedSegments = bytesPerSample * samples;
        if (expectedSegments > MaxSegments)
        {
            throw new DicomException($"RLE cannot hold {samples} samples of {description.BitsAllocated} bits ({expectedSegments} segments, at most 15)");
        }

        uint segmentCount = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (segmentCount != expectedSegments)
        {
            throw new DicomException($"RLE header declares {segmentCount} segments, the image needs {expectedSegments}");
        }

        int pixels = (int)description.PixelsPerFrame;
        byte[] plane = new byte[pixels];
        for (int segment = 0; segment < expectedSegments; segment++)
        {
            uint start = BinaryPrimitives.ReadUInt32LittleEndian(frame[(4 + (segment * 4))..]);
            uint end = segment + 1 < expectedSegments
                ? BinaryPrimitives.ReadUInt32LittleEndian(frame[(4 + ((segment + 1) * 4))..])
                : (uint)frame.Length;
            if (start < HeaderLength || start > end || end > frame.Length)
            {
                throw new DicomException($"RLE segment {segment + 1} offsets {start}..{end} lie outside the {frame.Length}-byte frame");
            }

            DecodeSegment(frame[(int)start..(int)end], plane, segment + 1);

            // Segment order: sample 0 MSB .. LSB, sample 1 MSB .. LSB, ...
            int sample = segment / bytesPerSample;
            int byteInSample = bytesPerSample - 1 - (segment % bytesPerSample);
            ScatterPlane(plane, destination, description, sample, byteInSample);
        }
    }

    /// <summary>Where byte <paramref name="byteInSample"/> of sample <paramref name="sample"/> of the first pixel lies in a native frame, and the step to the next pixel's.</summary>
    private static (int Offset, int Stride) PlaneLayout(ImagePixelDescription d, int pixels, int sample, int byteInSample)
    {
        int bytesPerSample = d.BytesPerSample;
        return d.PlanarConfiguration == 0
            ? ((sample * bytesPerSample) + byteInSample, d.SamplesPerPixel * bytesPerSample)
            : ((sample * pixels * bytesPerSample) + byteInSample, bytesPerSample);
    }

    private static void ScatterPlane(ReadOnlySpan<byte> plane, Span<byte> destination, ImagePixelDescription d, int sample, int byteInSample)
    {
        int pixels = plane.Length;
        var (offset, stride) = PlaneLayout(d, pixels, sample, byteInSample);

        if (stride == 1)
        {
            plane.CopyTo(destination.Slice(offset, pixels));
            return;
        }

        for (int i = 0; i < pixels; i++)
        {
            destination[offset] = plane[i];
            offset += stride;
        }
    }

    private static void DecodeSegment(ReadOnlySpan<byte> source, Span<byte> output, int segmentNumber)
    {
        int inPos = 0;
        int outPos = 0;
        while (outPos < output.Length)
        {
            if (inPos >= source.Length)
            {
                throw new DicomException($"RLE segment {segmentNumber} ends after {outPos} of {output.Length} bytes");
            }

            int n = (sbyte)source[inPos++];
            if (n >= 0)
            {
                int count = n + 1;
                if (inPos + count > source.Length || outPos + count > output.Length)
                {
                    throw new DicomException($"RLE segment {segmentNumber}: literal run of {count} bytes at offset {inPos - 1} overruns the segment or the image");
                }

                source.Slice(inPos, count).CopyTo(output[outPos..]);
                inPos += count;
                outPos += count;
            }
            else if (n != -128)
            {
                int count = 1 - n;
                if (inPos >= source.Length || outPos + count > output.Length)
                {
                    throw new DicomException($"RLE segment {segmentNumber}: replicate run of {count} bytes at offset {inPos - 1} overruns the segment or the image");
                }

                output.Slice(outPos, count).Fill(source[inPos++]);
                outPos += count;
            }
        }
    }

    /// <summary>
    /// Encodes one native little-endian frame (arranged as the description's Planar Configuration says) as an RLE frame.
    /// Each row of each byte plane is compressed separately and every segment has even length.
    /// </summary>
    /// <exception cref="DicomException">The description cannot be RLE encoded or the frame length is wrong.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> nativeFrame, ImagePixelDescription description)
    {
        CodecFrame.CheckNativeFrame(description, nativeFrame);

        int bytesPerSample = description.BytesPerSample;
        int samples = description.SamplesPerPixel;
        int segments = bytesPerSample * samples;
        if (segments > MaxSegments)
        {
            throw new DicomException($"RLE cannot hold {samples} samples of {description.BitsAllocated} bits");
        }

        int pixels = (int)description.PixelsPerFrame;
        int columns = description.Columns;

        // Replicate runs are at least three bytes long (or two at a row's end) and never grow the data, so the worst
        // case is one header byte per 128 literals and per literal chunk between runs, per row, plus padding.
        long worstSegment = pixels + ((long)description.Rows * ((columns / 128) + 3)) + 2;
        long worst = HeaderLength + (segments * worstSegment);
        if (worst > Array.MaxLength)
        {
            throw new DicomException("Frame too large to RLE encode");
        }

        byte[] buffer = new byte[worst];
        byte[] plane = new byte[pixels];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)segments);
        int pos = HeaderLength;
        for (int segment = 0; segment < segments; segment++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4 + (segment * 4)), (uint)pos);
            int sample = segment / bytesPerSample;
            int byteInSample = bytesPerSample - 1 - (segment % bytesPerSample);
            GatherPlane(nativeFrame, plane, description, sample, byteInSample);
            for (int row = 0; row < description.Rows; row++)
            {
                pos += EncodeRow(plane.AsSpan(row * columns, columns), buffer.AsSpan(pos));
            }

            if ((pos & 1) != 0)
            {
                buffer[pos++] = 0;
            }
        }

        Array.Resize(ref buffer, pos);
        return buffer;
    }

    private static void GatherPlane(ReadOnlySpan<byte> source, Span<byte> plane, ImagePixelDescription d, int sample, int byteInSample)
    {
        int pixels = plane.Length;
        var (offset, stride) = PlaneLayout(d, pixels, sample, byteInSample);

        for (int i = 0; i < pixels; i++)
        {
            plane[i] = source[offset];
            offset += stride;
        }
    }

    /// <summary>PackBits-encodes one row; returns the bytes written.</summary>
    private static int EncodeRow(ReadOnlySpan<byte> row, Span<byte> output)
    {
        int o = 0;
        int i = 0;
        int n = row.Length;
        while (i < n)
        {
            // Length of the run of equal bytes starting at i (at most 128).
            int run = 1;
            while (i + run < n && run < 128 && row[i + run] == row[i])
            {
                run++;
            }

            if (run >= 3 || (run == 2 && i + run == n))
            {
                output[o++] = (byte)(sbyte)(1 - run);
                output[o++] = row[i];
                i += run;
                continue;
            }

            // Literal run: extend until a run of three equal bytes starts or 128 bytes are collected.
            int start = i;
            int count = 1;
            i++;
            while (i < n && count < 128 && !(i + 2 < n && row[i] == row[i + 1] && row[i] == row[i + 2]))
            {
                i++;
                count++;
            }

            output[o++] = (byte)(count - 1);
            row.Slice(start, count).CopyTo(output[o..]);
            o += count;
        }

        return o;
    }
}
