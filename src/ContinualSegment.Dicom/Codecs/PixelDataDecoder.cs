using System.Buffers.Binary;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>
/// Decodes the pixel data of any supported transfer syntax into native little-endian frames (one byte array per
/// frame, arranged as the description's Planar Configuration says).
/// </summary>
/// <remarks>
/// Lossy JPEG (.50/.51) frames whose Photometric Interpretation is YBR_FULL or YBR_FULL_422 come back as RGB.
/// </remarks>
public static class PixelDataDecoder
{
    private const int ItemHeaderLength = 8;

    /// <summary>Decodes one compressed frame (all of its fragments joined) of the given transfer syntax.</summary>
    /// <exception cref="DicomException">The transfer syntax is not supported or the data is corrupt.</exception>
    public static byte[] DecodeFrame(string transferSyntaxUid, ImagePixelDescription description, ReadOnlySpan<byte> frameData)
    {
        ArgumentNullException.ThrowIfNull(transferSyntaxUid);
        ArgumentNullException.ThrowIfNull(description);
        description.Validate();
        TransferSyntaxCodecs.EnsureDecodable(transferSyntaxUid);
        if (TransferSyntaxCodecs.IsNative(transferSyntaxUid))
        {
            if (frameData.Length != description.FrameLength)
            {
                throw new DicomException($"Native frame holds {frameData.Length} bytes, the description needs {description.FrameLength}");
            }

            byte[] copy = frameData.ToArray();
            if (transferSyntaxUid == TransferSyntaxCodecs.ExplicitVRBigEndian)
            {
                SwapToLittleEndian(copy, description.BytesPerSample);
            }

            return copy;
        }

        return transferSyntaxUid switch
        {
            TransferSyntaxCodecs.RleLossless => RleCodec.Decode(frameData, description),
            TransferSyntaxCodecs.JpegLossless or TransferSyntaxCodecs.JpegLosslessSV1 => JpegLosslessDecoder.Decode(frameData, description),
            TransferSyntaxCodecs.JpegBaseline or TransferSyntaxCodecs.JpegExtended => JpegBaselineDecoder.Decode(frameData, description),
            TransferSyntaxCodecs.JpegLsLossless or TransferSyntaxCodecs.JpegLsNearLossless => JpegLsCodec.Decode(frameData, description),
            _ => Jpeg2000Codec.Decode(frameData, description),
        };
    }

    /// <summary>Decodes one compressed frame given as its fragments.</summary>
    /// <exception cref="DicomException">The transfer syntax is not supported or the data is corrupt.</exception>
    public static byte[] DecodeFrame(string transferSyntaxUid, ImagePixelDescription description, IReadOnlyList<ReadOnlyMemory<byte>> fragments)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        if (fragments.Count == 1)
        {
            return DecodeFrame(transferSyntaxUid, description, fragments[0].Span);
        }

        return DecodeFrame(transferSyntaxUid, description, Join(fragments));
    }

    /// <summary>Splits native pixel data (the whole (7FE0,0010) value) into frames and decodes them.</summary>
    /// <exception cref="DicomException">The value is shorter than the frames it should hold.</exception>
    public static IReadOnlyList<byte[]> DecodeNativeFrames(string transferSyntaxUid, ImagePixelDescription description, ReadOnlySpan<byte> pixelData)
    {
        ArgumentNullException.ThrowIfNull(description);
        description.Validate();
        if (!TransferSyntaxCodecs.IsNative(transferSyntaxUid))
        {
            throw new DicomException($"Transfer syntax {transferSyntaxUid} does not hold native pixel data");
        }

        long frameLength = description.FrameLength;
        if (pixelData.Length < frameLength * description.NumberOfFrames)
        {
            throw new DicomException($"Pixel data holds {pixelData.Length} bytes, {description.NumberOfFrames} frames need {frameLength * description.NumberOfFrames}");
        }

        var frames = new byte[description.NumberOfFrames][];
        for (int f = 0; f < frames.Length; f++)
        {
            frames[f] = DecodeFrame(transferSyntaxUid, description, pixelData.Slice((int)(f * frameLength), (int)frameLength));
        }

        return frames;
    }

    /// <summary>
    /// Decodes every frame of encapsulated pixel data given as its fragments (the items after the offset table).
    /// </summary>
    /// <param name="transferSyntaxUid">The data set's transfer syntax.</param>
    /// <param name="description">The image.</param>
    /// <param name="fragments">The fragments, in order.</param>
    /// <param name="frameOffsets">
    /// Basic (or Extended) Offset Table: for each frame, the offset of its first fragment's item header counted from
    /// the first fragment's item header; null or empty when absent.
    /// </param>
    /// <exception cref="DicomException">Fragments cannot be assigned to frames, or a frame is corrupt.</exception>
    public static IReadOnlyList<byte[]> DecodeFrames(
        string transferSyntaxUid,
        ImagePixelDescription description,
        IReadOnlyList<ReadOnlyMemory<byte>> fragments,
        IReadOnlyList<long>? frameOffsets = null)
    {
        ArgumentNullException.ThrowIfNull(description);
        IReadOnlyList<IReadOnlyList<ReadOnlyMemory<byte>>> frames = GroupFragments(transferSyntaxUid, description, fragments, frameOffsets);
        var result = new byte[frames.Count][];
        for (int f = 0; f < frames.Count; f++)
        {
            result[f] = DecodeFrame(transferSyntaxUid, description, frames[f]);
        }

        return result;
    }

    /// <summary>
    /// Assigns fragments to frames: by the offset table when present; one frame for a single-frame image; one fragment
    /// per frame when the counts match; otherwise by the start-of-stream marker of JPEG, JPEG-LS and JPEG 2000 frames.
    /// </summary>
    /// <exception cref="DicomException">The fragments cannot be assigned to the frames.</exception>
    public static IReadOnlyList<IReadOnlyList<ReadOnlyMemory<byte>>> GroupFragments(
        string transferSyntaxUid,
        ImagePixelDescription description,
        IReadOnlyList<ReadOnlyMemory<byte>> fragments,
        IReadOnlyList<long>? frameOffsets = null)
    {
        ArgumentNullException.ThrowIfNull(transferSyntaxUid);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(fragments);
        int frameCount = description.NumberOfFrames;
        if (fragments.Count == 0)
        {
            throw new DicomException("Encapsulated pixel data holds no fragments");
        }

        var groups = new List<IReadOnlyList<ReadOnlyMemory<byte>>>(frameCount);
        if (frameOffsets is { Count: > 0 })
        {
            if (frameOffsets.Count != frameCount)
            {
                throw new DicomException($"Offset table has {frameOffsets.Count} entries for {frameCount} frames");
            }

            long position = 0;
            int next = 0;
            List<ReadOnlyMemory<byte>>? current = null;
            foreach (ReadOnlyMemory<byte> fragment in fragments)
            {
                if (next < frameCount && position == frameOffsets[next])
                {
                    current = [];
                    groups.Add(current);
                    next++;
                }
                else if (next < frameCount && position > frameOffsets[next])
                {
                    throw new DicomException($"Offset table entry {frameOffsets[next]} for frame {next + 1} is not at a fragment boundary");
                }

                if (current is null)
                {
                    throw new DicomException("Offset table does not start at the first fragment");
                }

                current.Add(fragment);
                position += ItemHeaderLength + fragment.Length;
            }

            if (groups.Count != frameCount)
            {
                throw new DicomException($"Offset table points past the {fragments.Count} fragments");
            }

            return groups;
        }

        if (frameCount == 1)
        {
            groups.Add(fragments);
            return groups;
        }

        if (fragments.Count == frameCount)
        {
            foreach (ReadOnlyMemory<byte> fragment in fragments)
            {
                groups.Add([fragment]);
            }

            return groups;
        }

        if (transferSyntaxUid == TransferSyntaxCodecs.RleLossless || TransferSyntaxCodecs.IsNative(transferSyntaxUid))
        {
            throw new DicomException($"{fragments.Count} fragments for {frameCount} frames and no offset table");
        }

        List<ReadOnlyMemory<byte>>? frame = null;
        foreach (ReadOnlyMemory<byte> fragment in fragments)
        {
            if (StartsFrame(fragment.Span))
            {
                frame = [];
                groups.Add(frame);
            }

            if (frame is null)
            {
                throw new DicomException("First fragment does not start a frame");
            }

            frame.Add(fragment);
        }

        if (groups.Count != frameCount)
        {
            throw new DicomException($"Found {groups.Count} frame starts in {fragments.Count} fragments for {frameCount} frames");
        }

        return groups;
    }

    private static bool StartsFrame(ReadOnlySpan<byte> fragment)
        => (fragment.Length >= 2 && fragment[0] == 0xFF && fragment[1] == 0xD8)
            || (fragment.Length >= 4 && fragment[0] == 0xFF && fragment[1] == 0x4F && fragment[2] == 0xFF && fragment[3] == 0x51)
            || (fragment.Length >= 8 && BinaryPrimitives.ReadUInt32BigEndian(fragment) == 12 && BinaryPrimitives.ReadUInt32BigEndian(fragment[4..]) == 0x6A502020);

    private static byte[] Join(IReadOnlyList<ReadOnlyMemory<byte>> fragments)
    {
        long total = 0;
        foreach (ReadOnlyMemory<byte> fragment in fragments)
        {
            total += fragment.Length;
        }

        if (total > Array.MaxLength)
        {
            throw new DicomException($"Frame of {total} bytes is too large");
        }

        var joined = new byte[total];
        int offset = 0;
        foreach (ReadOnlyMemory<byte> fragment in fragments)
        {
            fragment.Span.CopyTo(joined.AsSpan(offset));
            offset += fragment.Length;
        }

        return joined;
    }

    private static void SwapToLittleEndian(Span<byte> data, int bytesPerSample)
    {
        if (bytesPerSample == 2)
        {
            for (int i = 0; i + 1 < data.Length; i += 2)
            {
                (data[i], data[i + 1]) = (data[i + 1], data[i]);
            }
        }
        else if (bytesPerSample == 4)
        {
            for (int i = 0; i + 3 < data.Length; i += 4)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(data[i..], BinaryPrimitives.ReadUInt32BigEndian(data[i..]));
            }
        }
    }
}
