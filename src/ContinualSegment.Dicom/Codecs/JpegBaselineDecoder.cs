using System.Buffers.Binary;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>
/// Decoder for lossy sequential DCT JPEG with Huffman coding: Baseline (Process 1, SOF0, 8-bit) and Extended
/// (Process 2 &amp; 4, SOF1, 8 or 12-bit); transfer syntaxes 1.2.840.10008.1.2.4.50 and .51. Handles one to four
/// components, any sampling factors, interleaved or separate scans and restart intervals. Progressive and
/// arithmetic-coded streams are rejected.
/// </summary>
/// <remarks>
/// When the image's Photometric Interpretation is YBR_FULL or YBR_FULL_422, the decoded YCbCr samples are converted
/// to RGB (as DICOM toolkits conventionally do): the caller should then treat the frame as RGB, colour-by-pixel
/// unless the description asks for Planar Configuration 1.
/// </remarks>
public static class JpegBaselineDecoder
{
    private static readonly byte[] ZigZag =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];

    /// <summary>Cosine table for the 8-point inverse DCT: Cos[x * 8 + u] = C(u) / 2 * cos((2x + 1) u pi / 16).</summary>
    private static readonly float[] Cos = BuildCosineTable();

    /// <summary>Decodes one JPEG frame into a newly allocated native little-endian frame.</summary>
    /// <exception cref="DicomException">The stream is corrupt, of an unsupported JPEG process, or does not match the description.</exception>
    public static byte[] Decode(ReadOnlySpan<byte> data, ImagePixelDescription description) =>
        CodecFrame.Decode(data, description, Decode);

    /// <summary>Decodes one JPEG frame into <paramref name="destination"/> (one native frame).</summary>
    /// <exception cref="DicomException">The stream is corrupt, of an unsupported JPEG process, or does not match the description.</exception>
    public static void Decode(ReadOnlySpan<byte> data, ImagePixelDescription description, Span<byte> destination)
    {
        CodecFrame.CheckDestination(description, destination);

        var segments = new JpegSegmentReader(data);
        var dcTables = new JpegHuffmanTable?[4];
        var acTables = new JpegHuffmanTable?[4];
        var quantization = new int[4][];
        Frame? frame = null;
        int restartInterval = 0;
        while (segments.TryRead(out int marker, out ReadOnlySpan<byte> segment))
        {
            switch (marker)
            {
                case 0xC0 or 0xC1:
                    if (frame is not null)
                    {
                        throw new DicomException("JPEG stream holds more than one frame header");
                    }

                    frame = ParseFrame(segment, description);
                    break;
                case 0xC4:
                    JpegSegmentReader.ReadHuffmanTables(segment, dcTables, acTables);
                    break;
                case 0xDB:
                    ParseQuantization(segment, quantization);
                    break;
                case 0xDD:
                    restartInterval = JpegSegmentReader.RestartInterval(segment);
                    break;
                case 0xDA:
                    if (frame is null)
                    {
                        throw new DicomException("JPEG scan precedes the frame header");
                    }

                    segments.Position = DecodeScan(data, segments.Position, segment, frame, dcTables, acTables, quantization, restartInterval);
                    break;
                case 0xC2 or 0xC3 or 0xC5 or 0xC6 or 0xC7 or 0xC9 or 0xCA or 0xCB or 0xCD or 0xCE or 0xCF:
                    throw new DicomException($"JPEG process of marker SOF{marker - 0xC0} is not sequential DCT with Huffman coding (SOF0/SOF1)");
                default:
                    break;
            }
        }

        if (frame is null)
        {
            throw new DicomException("JPEG stream has no SOF0/SOF1 frame header");
        }

        foreach (Component c in frame.Components)
        {
            if (!c.Decoded)
            {
                throw new DicomException($"JPEG stream has no scan for component {c.Id}");
            }
        }

        WriteOutput(frame, description, destination);
        NativeSampleFixup.SignExtend(destination, description);
    }

    private static Frame ParseFrame(ReadOnlySpan<byte> s, ImagePixelDescription d)
    {
        var (precision, lines, samplesPerLine, count) = JpegSegmentReader.ReadFrameHeader(s, d);
        if (precision is not (8 or 12))
        {
            throw new DicomException($"JPEG DCT precision {precision} not supported (8 or 12)");
        }

        if ((precision + 7) / 8 != d.BytesPerSample)
        {
            throw new DicomException($"JPEG precision {precision} does not fit Bits Allocated {d.BitsAllocated}");
        }

        var components = new Component[count];
        int hMax = 1;
        int vMax = 1;
        for (int c = 0; c < count; c++)
        {
            int h = s[7 + (3 * c)] >> 4;
            int v = s[7 + (3 * c)] & 15;
            int tq = s[8 + (3 * c)];
            if (h is < 1 or > 4 || v is < 1 or > 4 || tq > 3)
            {
                throw new DicomException($"JPEG component {s[6 + (3 * c)]} has bad sampling {h}x{v} or table {tq}");
            }

            components[c] = new Component(s[6 + (3 * c)], h, v, tq);
            hMax = Math.Max(hMax, h);
            vMax = Math.Max(vMax, v);
        }

        int mcusPerLine = (samplesPerLine + (8 * hMax) - 1) / (8 * hMax);
        int mcuRows = (lines + (8 * vMax) - 1) / (8 * vMax);
        foreach (Component c in components)
        {
            c.BlocksPerLine = (((samplesPerLine * c.H) + hMax - 1) / hMax + 7) / 8;
            c.BlocksPerColumn = (((lines * c.V) + vMax - 1) / vMax + 7) / 8;
            c.Stride = mcusPerLine * c.H * 8;
            c.Samples = new short[c.Stride * mcuRows * c.V * 8];
        }

        return new Frame(precision, lines, samplesPerLine, components, hMax, vMax, mcusPerLine, mcuRows);
    }

    private static void ParseQuantization(ReadOnlySpan<byte> s, int[][] tables)
    {
        int p = 0;
        while (p < s.Length)
        {
            int pq = s[p] >> 4;
            int tq = s[p] & 15;
            int size = pq == 0 ? 64 : 128;
            if (pq > 1 || tq > 3 || p + 1 + size > s.Length)
            {
                throw new DicomException("JPEG DQT segment malformed or truncated");
            }

            var table = new int[64];
            for (int k = 0; k < 64; k++)
            {
                table[k] = pq == 0 ? s[p + 1 + k] : BinaryPrimitives.ReadUInt16BigEndian(s[(p + 1 + (2 * k))..]);
            }

            tables[tq] = table;
            p += 1 + size;
        }
    }

    private static int DecodeScan(
        ReadOnlySpan<byte> data,
        int pos,
        ReadOnlySpan<byte> header,
        Frame frame,
        JpegHuffmanTable?[] dcTables,
        JpegHuffmanTable?[] acTables,
        int[][] quantization,
        int restartInterval)
    {
        int ns = header.Length > 0 ? header[0] : 0;
        if (ns < 1 || ns > 4 || header.Length < 1 + (2 * ns) + 3)
        {
            throw new DicomException($"JPEG SOS segment declares {ns} components");
        }

        var scan = new Component[ns];
        var dc = new JpegHuffmanTable[ns];
        var ac = new JpegHuffmanTable[ns];
        var quant = new int[ns][];
        for (int k = 0; k < ns; k++)
        {
            int id = header[1 + (2 * k)];
            scan[k] = Array.Find(frame.Components, c => c.Id == id) ?? throw new DicomException($"JPEG scan refers to unknown component {id}");
            int td = header[2 + (2 * k)] >> 4;
            int ta = header[2 + (2 * k)] & 15;
            dc[k] = (td < 4 ? dcTables[td] : null) ?? throw new DicomException($"JPEG scan uses undefined DC table {td}");
            ac[k] = (ta < 4 ? acTables[ta] : null) ?? throw new DicomException($"JPEG scan uses undefined AC table {ta}");
            quant[k] = quantization[scan[k].Tq] ?? throw new DicomException($"JPEG component {id} uses undefined quantization table {scan[k].Tq}");
        }

        // Ss, Se, Ah and Al carry nothing in a sequential scan; some encoders write Se = 0, so they are not checked.
        var reader = new JpegBitReader(data, pos);
        Span<int> predictions = stackalloc int[4];
        Span<int> coefficients = stackalloc int[64];
        int levelShift = 1 << (frame.Precision - 1);
        int maxValue = (1 << frame.Precision) - 1;
        int mcusLeft = restartInterval;
        int nextRestart = 0;

        if (ns == 1)
        {
            Component c = scan[0];
            for (int by = 0; by < c.BlocksPerColumn; by++)
            {
                for (int bx = 0; bx < c.BlocksPerLine; bx++)
                {
                    if (reader.BeginMcu(restartInterval, ref mcusLeft, ref nextRestart))
                    {
                        predictions.Clear();
                    }

                    DecodeBlock(ref reader, dc[0], ac[0], quant[0], ref predictions[0], coefficients);
                    StoreBlock(coefficients, c, bx, by, levelShift, maxValue);
                }
            }
        }
        else
        {
            for (int my = 0; my < frame.McuRows; my++)
            {
                for (int mx = 0; mx < frame.McusPerLine; mx++)
                {
                    if (reader.BeginMcu(restartInterval, ref mcusLeft, ref nextRestart))
                    {
                        predictions.Clear();
                    }

                    for (int k = 0; k < ns; k++)
                    {
                        Component c = scan[k];
                        for (int v = 0; v < c.V; v++)
                        {
                            for (int h = 0; h < c.H; h++)
                            {
                                DecodeBlock(ref reader, dc[k], ac[k], quant[k], ref predictions[k], coefficients);
                                StoreBlock(coefficients, c, (mx * c.H) + h, (my * c.V) + v, levelShift, maxValue);
                            }
                        }
                    }
                }
            }
        }

        foreach (Component c in scan)
        {
            c.Decoded = true;
        }

        return JpegSegmentReader.AfterScan(data, reader);
    }

    private static void DecodeBlock(ref JpegBitReader reader, JpegHuffmanTable dc, JpegHuffmanTable ac, int[] quant, scoped ref int prediction, scoped Span<int> coefficients)
    {
        coefficients.Clear();
        int s = reader.DecodeSymbol(dc);
        if (s > 16)
        {
            throw new DicomException($"JPEG DC difference category {s} out of range");
        }

        prediction += Extend(reader.ReadBits(s), s);
        coefficients[0] = prediction * quant[0];
        for (int k = 1; k < 64;)
        {
            int rs = reader.DecodeSymbol(ac);
            int r = rs >> 4;
            s = rs & 15;
            if (s == 0)
            {
                if (r != 15)
                {
                    break;
                }

                k += 16;
                continue;
            }

            k += r;
            if (k > 63)
            {
                throw new DicomException("JPEG AC coefficients run past the end of a block");
            }

            coefficients[ZigZag[k]] = Extend(reader.ReadBits(s), s) * quant[k];
            k++;
        }
    }

    private static int Extend(int value, int bits) => bits == 0 ? 0 : value < (1 << (bits - 1)) ? value - (1 << bits) + 1 : value;

    /// <summary>Inverse DCT of one block (separable, single precision), level shift, clamp, store.</summary>
    private static void StoreBlock(ReadOnlySpan<int> coefficients, Component c, int bx, int by, int levelShift, int maxValue)
    {
        Span<float> temp = stackalloc float[64];
        ReadOnlySpan<float> cos = Cos;

        // Columns: temp[y, u] = sum over v of C(v) cos(...) F(v, u).
        for (int u = 0; u < 8; u++)
        {
            for (int y = 0; y < 8; y++)
            {
                float sum = 0;
                for (int v = 0; v < 8; v++)
                {
                    int f = coefficients[(v * 8) + u];
                    if (f != 0)
                    {
                        sum += cos[(y * 8) + v] * f;
                    }
                }

                temp[(y * 8) + u] = sum;
            }
        }

        int stride = c.Stride;
        int origin = (by * 8 * stride) + (bx * 8);
        short[] samples = c.Samples;
        if (origin + (7 * stride) + 8 > samples.Length)
        {
            throw new DicomException("JPEG block lies outside its component");
        }

        for (int y = 0; y < 8; y++)
        {
            int row = origin + (y * stride);
            for (int x = 0; x < 8; x++)
            {
                float sum = 0;
                for (int u = 0; u < 8; u++)
                {
                    sum += cos[(x * 8) + u] * temp[(y * 8) + u];
                }

                int value = (int)MathF.Round(sum) + levelShift;
                samples[row + x] = (short)Math.Clamp(value, 0, maxValue);
            }
        }
    }

    private static float[] BuildCosineTable()
    {
        var table = new float[64];
        for (int x = 0; x < 8; x++)
        {
            for (int u = 0; u < 8; u++)
            {
                double cu = u == 0 ? 1 / Math.Sqrt(2) : 1;
                table[(x * 8) + u] = (float)(cu / 2 * Math.Cos(((2 * x) + 1) * u * Math.PI / 16));
            }
        }

        return table;
    }

    private static void WriteOutput(Frame frame, ImagePixelDescription d, Span<byte> destination)
    {
        int width = frame.SamplesPerLine;
        int height = frame.Lines;
        int samples = frame.Components.Length;
        int pixels = width * height;

        // Full-resolution planes (upsampled where the component is subsampled).
        var planes = new short[samples][];
        for (int c = 0; c < samples; c++)
        {
            planes[c] = Upsample(frame.Components[c], frame, width, height);
        }

        bool toRgb = samples == 3 && d.PhotometricInterpretation.StartsWith("YBR_FULL", StringComparison.Ordinal);
        int maxValue = (1 << frame.Precision) - 1;
        float half = (maxValue + 1) / 2f;
        if (toRgb)
        {
            short[] y = planes[0];
            short[] cb = planes[1];
            short[] cr = planes[2];
            for (int i = 0; i < pixels; i++)
            {
                float luma = y[i];
                float b = cb[i] - half;
                float r = cr[i] - half;
                y[i] = (short)Math.Clamp((int)MathF.Round(luma + (1.402f * r)), 0, maxValue);
                cb[i] = (short)Math.Clamp((int)MathF.Round(luma - (0.344136f * b) - (0.714136f * r)), 0, maxValue);
                cr[i] = (short)Math.Clamp((int)MathF.Round(luma + (1.772f * b)), 0, maxValue);
            }
        }

        for (int c = 0; c < samples; c++)
        {
            short[] plane = planes[c];
            int offset = d.PlanarConfiguration == 0 ? c : c * pixels;
            int step = d.PlanarConfiguration == 0 ? samples : 1;
            if (d.BytesPerSample == 1)
            {
                for (int i = 0, o = offset; i < pixels; i++, o += step)
                {
                    destination[o] = (byte)plane[i];
                }
            }
            else
            {
                for (int i = 0, o = offset; i < pixels; i++, o += step)
                {
                    BinaryPrimitives.WriteInt16LittleEndian(destination[(o * 2)..], plane[i]);
                }
            }
        }
    }

    /// <summary>
    /// Full-resolution copy of a component: direct for full-size components, a triangle filter for the common 2:1
    /// horizontal (and 2:1 vertical) subsampling, pixel replication for other factors.
    /// </summary>
    private static short[] Upsample(Component c, Frame frame, int width, int height)
    {
        var result = new short[width * height];
        int hFactor = frame.HMax / c.H;
        int vFactor = frame.VMax / c.V;
        bool integral = frame.HMax % c.H == 0 && frame.VMax % c.V == 0;
        short[] s = c.Samples;
        int stride = c.Stride;
        if (hFactor == 1 && vFactor == 1 && integral)
        {
            for (int y = 0; y < height; y++)
            {
                s.AsSpan(y * stride, width).CopyTo(result.AsSpan(y * width));
            }

            return result;
        }

        int compWidth = ((width * c.H) + frame.HMax - 1) / frame.HMax;
        int compHeight = ((height * c.V) + frame.VMax - 1) / frame.VMax;
        if (integral && hFactor == 2 && vFactor <= 2)
        {
            for (int y = 0; y < height; y++)
            {
                int near = Math.Min(y / vFactor, compHeight - 1);
                int far = near;
                if (vFactor == 2)
                {
                    far = (y & 1) == 0 ? Math.Max(near - 1, 0) : Math.Min(near + 1, compHeight - 1);
                }

                for (int x = 0; x < width; x++)
                {
                    int i = Math.Min(x / 2, compWidth - 1);
                    int j = (x & 1) == 0 ? Math.Max(i - 1, 0) : Math.Min(i + 1, compWidth - 1);
                    int value;
                    if (vFactor == 2)
                    {
                        int thisColumn = (3 * s[(near * stride) + i]) + s[(far * stride) + i];
                        int otherColumn = (3 * s[(near * stride) + j]) + s[(far * stride) + j];
                        value = ((3 * thisColumn) + otherColumn + ((x & 1) == 0 ? 8 : 7)) >> 4;
                    }
                    else
                    {
                        value = ((3 * s[(near * stride) + i]) + s[(near * stride) + j] + ((x & 1) == 0 ? 1 : 2)) >> 2;
                    }

                    result[(y * width) + x] = (short)value;
                }
            }

            return result;
        }

        for (int y = 0; y < height; y++)
        {
            int sy = Math.Min(y * c.V / frame.VMax, compHeight - 1);
            for (int x = 0; x < width; x++)
            {
                int sx = Math.Min(x * c.H / frame.HMax, compWidth - 1);
                result[(y * width) + x] = s[(sy * stride) + sx];
            }
        }

        return result;
    }

    private sealed class Component(int id, int h, int v, int tq)
    {
        public int Id { get; } = id;

        public int H { get; } = h;

        public int V { get; } = v;

        public int Tq { get; } = tq;

        public int BlocksPerLine { get; set; }

        public int BlocksPerColumn { get; set; }

        public int Stride { get; set; }

        public short[] Samples { get; set; } = [];

        public bool Decoded { get; set; }
    }

    private sealed record Frame(int Precision, int Lines, int SamplesPerLine, Component[] Components, int HMax, int VMax, int McusPerLine, int McuRows);
}
