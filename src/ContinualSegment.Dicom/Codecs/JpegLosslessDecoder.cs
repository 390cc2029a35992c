using System.Buffers.Binary;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>
/// Decoder for JPEG Lossless, Non-Hierarchical (ITU T.81 Process 14, SOF3, Huffman coded): predictors 1 to 7,
/// point transform, restart intervals, 2 to 16 bit precision, one to four components, interleaved or in separate scans.
/// Used for transfer syntaxes 1.2.840.10008.1.2.4.57 and 1.2.840.10008.1.2.4.70.
/// </summary>
public static class JpegLosslessDecoder
{
    private const int MaxComponents = 4;

    /// <summary>Decodes one JPEG Lossless frame into a newly allocated native little-endian frame.</summary>
    /// <exception cref="DicomException">The stream is corrupt, not lossless JPEG, or does not match the description.</exception>
    public static byte[] Decode(ReadOnlySpan<byte> data, ImagePixelDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        description.Validate();
        var output = new byte[description.FrameLength];
        Decode(data, description, output);
        return output;
    }

    /// <summary>
    /// Decodes one JPEG Lossless frame into <paramref name="destination"/> (one native frame, arranged as the
    /// description's Planar Configuration says). Samples are the decoded values shifted by the point transform; for
    /// signed images the bits above Bits Stored are filled with the sign bit.
    /// </summary>
    /// <exception cref="DicomException">The stream is corrupt, not lossless JPEG, or does not match the description.</exception>
    public static void Decode(ReadOnlySpan<byte> data, ImagePixelDescription description, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(description);
        description.Validate();
        if (destination.Length != description.FrameLength)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes, one frame is {description.FrameLength}", nameof(destination));
        }

        if (description.BitsAllocated > 16)
        {
            throw new DicomException($"JPEG Lossless cannot hold {description.BitsAllocated}-bit samples");
        }

        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            throw new DicomException("JPEG stream does not start with an SOI marker");
        }

        var tables = new JpegHuffmanTable?[4];
        FrameHeader? frame = null;
        ushort[][]? planes = null;
        int[] pointTransforms = new int[MaxComponents];
        bool[] decoded = new bool[MaxComponents];
        int restartInterval = 0;
        int pos = 2;
        bool ended = false;
        while (!ended)
        {
            // Find the next marker, skipping fill bytes.
            if (pos >= data.Length)
            {
                break;
            }

            if (data[pos] != 0xFF)
            {
                throw new DicomException($"JPEG marker expected at offset {pos}");
            }

            while (pos < data.Length && data[pos] == 0xFF)
            {
                pos++;
            }

            if (pos >= data.Length)
            {
                break;
            }

            int marker = data[pos++];
            switch (marker)
            {
                case 0xD9:
                    ended = true;
                    continue;
                case >= 0xD0 and <= 0xD7:
                case 0x01:
                    continue;
            }

            ReadOnlySpan<byte> segment = ReadSegment(data, ref pos, marker);
            switch (marker)
            {
                case 0xC3:
                    if (frame is not null)
                    {
                        throw new DicomException("JPEG stream holds more than one frame header");
                    }

                    frame = ParseFrameHeader(segment, description);
                    planes = new ushort[frame.ComponentIds.Length][];
                    for (int c = 0; c < planes.Length; c++)
                    {
                        planes[c] = new ushort[description.PixelsPerFrame];
                    }

                    break;
                case 0xC4:
                    ParseHuffmanTables(segment, tables);
                    break;
                case 0xDD:
                    if (segment.Length < 2)
                    {
                        throw new DicomException("JPEG DRI segment too short");
                    }

                    restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
                    break;
                case 0xDA:
                    if (frame is null || planes is null)
                    {
                        throw new DicomException("JPEG scan precedes the frame header");
                    }

                    pos = DecodeScan(data, pos, segment, frame, tables, restartInterval, planes, pointTransforms, decoded);
                    break;
                case 0xC0 or 0xC1 or 0xC2 or 0xC5 or 0xC6 or 0xC7 or 0xC9 or 0xCA or 0xCB or 0xCD or 0xCE or 0xCF:
                    throw new DicomException($"JPEG process of marker SOF{marker - 0xC0} is not lossless Process 14 (SOF3)");
                default:
                    // APPn, COM, DQT, DNL and other segments carry nothing a lossless decoder needs.
                    break;
            }
        }

        if (frame is null || planes is null)
        {
            throw new DicomException("JPEG stream has no SOF3 frame header");
        }

        for (int c = 0; c < planes.Length; c++)
        {
            if (!decoded[c])
            {
                throw new DicomException($"JPEG stream has no scan for component {c + 1}");
            }
        }

        WriteOutput(planes, pointTransforms, description, destination);
        NativeSampleFixup.SignExtend(destination, description);
    }

    private static ReadOnlySpan<byte> ReadSegment(ReadOnlySpan<byte> data, ref int pos, int marker)
    {
        if (pos + 2 > data.Length)
        {
            throw new DicomException($"JPEG marker 0x{marker:X2} at offset {pos - 2} is truncated");
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
        if (length < 2 || pos + length > data.Length)
        {
            throw new DicomException($"JPEG segment 0x{marker:X2} at offset {pos - 2} has bad length {length}");
        }

        ReadOnlySpan<byte> segment = data.Slice(pos + 2, length - 2);
        pos += length;
        return segment;
    }

    private static FrameHeader ParseFrameHeader(ReadOnlySpan<byte> s, ImagePixelDescription d)
    {
        if (s.Length < 6)
        {
            throw new DicomException("JPEG SOF3 segment too short");
        }

        int precision = s[0];
        int lines = BinaryPrimitives.ReadUInt16BigEndian(s[1..]);
        int samplesPerLine = BinaryPrimitives.ReadUInt16BigEndian(s[3..]);
        int components = s[5];
        if (precision < 2 || precision > 16)
        {
            throw new DicomException($"JPEG lossless precision {precision} out of range 2..16");
        }

        if (precision > d.BitsAllocated)
        {
            throw new DicomException($"JPEG precision {precision} exceeds Bits Allocated {d.BitsAllocated}");
        }

        if (lines != d.Rows || samplesPerLine != d.Columns)
        {
            throw new DicomException($"JPEG frame is {samplesPerLine}x{lines}, the image is {d.Columns}x{d.Rows}");
        }

        if (components != d.SamplesPerPixel || components > MaxComponents)
        {
            throw new DicomException($"JPEG frame has {components} components, the image has {d.SamplesPerPixel} samples per pixel");
        }

        if (s.Length < 6 + (3 * components))
        {
            throw new DicomException("JPEG SOF3 segment too short for its components");
        }

        var ids = new int[components];
        for (int c = 0; c < components; c++)
        {
            ids[c] = s[6 + (3 * c)];
            int sampling = s[7 + (3 * c)];
            if (sampling != 0x11)
            {
                throw new DicomException($"JPEG lossless component {ids[c]} has subsampling 0x{sampling:X2}; only 1x1 is supported");
            }
        }

        return new FrameHeader(precision, lines, samplesPerLine, ids);
    }

    private static void ParseHuffmanTables(ReadOnlySpan<byte> s, JpegHuffmanTable?[] tables)
    {
        int p = 0;
        while (p < s.Length)
        {
            if (p + 17 > s.Length)
            {
                throw new DicomException("JPEG DHT segment truncated");
            }

            int tc = s[p] >> 4;
            int th = s[p] & 0x0F;
            if (th > 3)
            {
                throw new DicomException($"JPEG Huffman table destination {th} out of range");
            }

            ReadOnlySpan<byte> counts = s.Slice(p + 1, 16);
            int total = 0;
            foreach (byte n in counts)
            {
                total += n;
            }

            if (total > 256 || p + 17 + total > s.Length)
            {
                throw new DicomException("JPEG DHT segment truncated or declares too many codes");
            }

            var table = new JpegHuffmanTable(counts, s.Slice(p + 17, total));
            if (tc == 0)
            {
                tables[th] = table;
            }

            p += 17 + total;
        }
    }

    private static int DecodeScan(
        ReadOnlySpan<byte> data,
        int pos,
        ReadOnlySpan<byte> header,
        FrameHeader frame,
        JpegHuffmanTable?[] tables,
        int restartInterval,
        ushort[][] planes,
        int[] pointTransforms,
        bool[] decoded)
    {
        if (header.Length < 1)
        {
            throw new DicomException("JPEG SOS segment too short");
        }

        int ns = header[0];
        if (ns < 1 || ns > frame.ComponentIds.Length || header.Length < 1 + (2 * ns) + 3)
        {
            throw new DicomException($"JPEG SOS segment declares {ns} components");
        }

        var componentIndex = new int[ns];
        var scanPlanes = new ushort[ns][];
        var componentTable = new JpegHuffmanTable[ns];
        for (int k = 0; k < ns; k++)
        {
            int id = header[1 + (2 * k)];
            int index = Array.IndexOf(frame.ComponentIds, id);
            if (index < 0)
            {
                throw new DicomException($"JPEG scan refers to unknown component {id}");
            }

            int td = header[2 + (2 * k)] >> 4;
            componentIndex[k] = index;
            scanPlanes[k] = planes[index];
            componentTable[k] = (td < 4 ? tables[td] : null)
                ?? throw new DicomException($"JPEG scan uses Huffman table {td}, which is not defined");
        }

        int predictor = header[1 + (2 * ns)];
        int pointTransform = header[3 + (2 * ns)] & 0x0F;
        if (predictor < 1 || predictor > 7)
        {
            throw new DicomException($"JPEG lossless predictor {predictor} out of range 1..7");
        }

        if (pointTransform >= frame.Precision)
        {
            throw new DicomException($"JPEG point transform {pointTransform} not below precision {frame.Precision}");
        }

        int width = frame.SamplesPerLine;
        int height = frame.Lines;
        int initial = 1 << (frame.Precision - pointTransform - 1);
        var reader = new JpegBitReader(data, pos);
        int mcusLeft = restartInterval;
        int nextRestart = 0;
        bool firstLine = true;
        bool resetSample = true;
        for (int row = 0; row < height; row++)
        {
            int rowStart = row * width;
            for (int col = 0; col < width; col++)
            {
                if (restartInterval > 0)
                {
                    if (mcusLeft == 0)
                    {
                        reader.Restart(nextRestart);
                        nextRestart = (nextRestart + 1) & 7;
                        mcusLeft = restartInterval;
                        firstLine = true;
                        resetSample = true;
                    }

                    mcusLeft--;
                }

                int i = rowStart + col;
                for (int k = 0; k < ns; k++)
                {
                    ushort[] plane = scanPlanes[k];
                    int prediction;
                    if (resetSample)
                    {
                        prediction = initial;
                    }
                    else if (firstLine)
                    {
                        prediction = plane[i - 1];
                    }
                    else if (col == 0)
                    {
                        prediction = plane[i - width];
                    }
                    else
                    {
                        int ra = plane[i - 1];
                        int rb = plane[i - width];
                        int rc = plane[i - width - 1];
                        prediction = predictor switch
                        {
                            1 => ra,
                            2 => rb,
                            3 => rc,
                            4 => ra + rb - rc,
                            5 => ra + ((rb - rc) >> 1),
                            6 => rb + ((ra - rc) >> 1),
                            _ => (ra + rb) >> 1,
                        };
                    }

                    int ssss = reader.DecodeSymbol(componentTable[k]);
                    int diff;
                    if (ssss == 0)
                    {
                        diff = 0;
                    }
                    else if (ssss < 16)
                    {
                        diff = reader.ReadBits(ssss);
                        if (diff < (1 << (ssss - 1)))
                        {
                            diff += (-1 << ssss) + 1;
                        }
                    }
                    else if (ssss == 16)
                    {
                        diff = 32768;
                    }
                    else
                    {
                        throw new DicomException($"JPEG lossless difference category {ssss} out of range");
                    }

                    plane[i] = (ushort)(prediction + diff);
                }

                resetSample = false;
            }

            firstLine = false;
        }

        for (int k = 0; k < ns; k++)
        {
            decoded[componentIndex[k]] = true;
            pointTransforms[componentIndex[k]] = pointTransform;
        }

        // Continue at the next marker that is not a restart marker.
        int p = reader.AtMarker ? reader.Position : Math.Min(reader.Position, data.Length);
        while (p + 1 < data.Length && !(data[p] == 0xFF && data[p + 1] != 0 && data[p + 1] != 0xFF && (data[p + 1] < 0xD0 || data[p + 1] > 0xD7)))
        {
            p++;
        }

        return p + 1 < data.Length ? p : data.Length;
    }

    private static void WriteOutput(ushort[][] planes, int[] pointTransforms, ImagePixelDescription d, Span<byte> destination)
    {
        int pixels = planes[0].Length;
        int samples = planes.Length;
        int bytesPerSample = d.BytesPerSample;
        for (int c = 0; c < samples; c++)
        {
            ReadOnlySpan<ushort> plane = planes[c];
            int shift = pointTransforms[c];
            int offset = d.PlanarConfiguration == 0 ? c : c * pixels;
            int stride = d.PlanarConfiguration == 0 ? samples : 1;
            if (bytesPerSample == 1)
            {
                for (int i = 0, o = offset; i < pixels; i++, o += stride)
                {
                    destination[o] = (byte)(plane[i] << shift);
                }
            }
            else
            {
                for (int i = 0, o = offset; i < pixels; i++, o += stride)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[(o * 2)..], (ushort)(plane[i] << shift));
                }
            }
        }
    }

    private sealed record FrameHeader(int Precision, int Lines, int SamplesPerLine, int[] ComponentIds);
}
