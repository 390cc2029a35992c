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
    public static byte[] Decode(ReadOnlySpan<byte> data, ImagePixelDescription description) =>
        CodecFrame.Decode(data, description, Decode);

    /// <summary>
    /// Decodes one JPEG Lossless frame into <paramref name="destination"/> (one native frame, arranged as the
    /// description's Planar Configuration says). Samples are the decoded values shifted by the point transform; for
    /// signed images the bits above Bits Stored are filled with the sign bit.
    /// </summary>
    /// <exception cref="DicomException">The stream is corrupt, not lossless JPEG, or does not match the description.</exception>
    public static void Decode(ReadOnlySpan<byte> data, ImagePixelDescription description, Span<byte> destination)
    {
        CodecFrame.CheckDestination(description, destination);

        if (description.BitsAllocated > 16)
        {
            throw new DicomException($"JPEG Lossless cannot hold {description.BitsAllocated}-bit samples");
        }

        var segments = new JpegSegmentReader(data);
        var tables = new JpegHuffmanTable?[4];
        var unusedAcTables = new JpegHuffmanTable?[4];
        FrameHeader? frame = null;
        ushort[][]? planes = null;
        int[] pointTransforms = new int[MaxComponents];
        bool[] decoded = new bool[MaxComponents];
        int restartInterval = 0;
        while (segments.TryRead(out int marker, out ReadOnlySpan<byte> segment))
        {
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
                    JpegSegmentReader.ReadHuffmanTables(segment, tables, unusedAcTables);
                    break;
                case 0xDD:
                    restartInterval = JpegSegmentReader.RestartInterval(segment);
                    break;
                case 0xDA:
                    if (frame is null || planes is null)
                    {
                        throw new DicomException("JPEG scan precedes the frame header");
                    }

                    segments.Position = DecodeScan(data, segments.Position, segment, frame, tables, restartInterval, planes, pointTransforms, decoded);
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

    private static FrameHeader ParseFrameHeader(ReadOnlySpan<byte> s, ImagePixelDescription d)
    {
        var (precision, lines, samplesPerLine, components) = JpegSegmentReader.ReadFrameHeader(s, d);
        if (precision < 2 || precision > 16)
        {
            throw new DicomException($"JPEG lossless precision {precision} out of range 2..16");
        }

        if (precision > d.BitsAllocated)
        {
            throw new DicomException($"JPEG precision {precision} exceeds Bits Allocated {d.BitsAllocated}");
        }

        if (components > MaxComponents)
        {
            throw new DicomException($"JPEG frame has {components} components; lossless JPEG has at most {MaxComponents}");
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
                if (reader.BeginMcu(restartInterval, ref mcusLeft, ref nextRestart))
                {
                    firstLine = true;
                    resetSample = true;
                }

                int i = rowStart + col;
                for (int k = 0; k < ns; k++)
                {
                    ushort[] plane = scanPlanes[k];
                    int prediction = JpegLosslessPredictor.Predict(plane, i, width, predictor, initial, resetSample, firstLine, col == 0);

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

        return JpegSegmentReader.AfterScan(data, reader);
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
