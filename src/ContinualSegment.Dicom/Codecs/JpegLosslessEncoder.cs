using System.Buffers.Binary;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>
/// Encoder for JPEG Lossless, Non-Hierarchical (Process 14): selection value 1 by default (transfer syntax
/// 1.2.840.10008.1.2.4.70), any predictor 1..7 on request (1.2.840.10008.1.2.4.57). Components are interleaved in one
/// scan and share one Huffman table optimised for the image (ITU T.81 Annex K.2); the point transform is 0.
/// </summary>
public static class JpegLosslessEncoder
{
    private const int Categories = 17;

    /// <summary>
    /// Encodes one native little-endian frame (BitsAllocated 8 or 16) with precision Bits Stored (at least 2).
    /// Bits above Bits Stored are not kept: a decoder returns them as zero.
    /// </summary>
    /// <param name="nativeFrame">One native little-endian frame, arranged as the description's Planar Configuration says.</param>
    /// <param name="description">The image.</param>
    /// <param name="predictor">Selection value 1..7 (1 for transfer syntax 1.2.840.10008.1.2.4.70).</param>
    /// <param name="restartIntervalRows">When positive, a restart marker follows every this many rows.</param>
    /// <exception cref="DicomException">The description cannot be encoded or the frame length is wrong.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> nativeFrame, ImagePixelDescription description, int predictor = 1, int restartIntervalRows = 0)
    {
        CodecFrame.CheckNativeFrame(description, nativeFrame);
        if (description.BitsAllocated > 16)
        {
            throw new DicomException($"JPEG Lossless cannot hold {description.BitsAllocated}-bit samples");
        }

        if (predictor < 1 || predictor > 7)
        {
            throw new ArgumentOutOfRangeException(nameof(predictor), predictor, "Selection value is 1..7");
        }

        if (restartIntervalRows < 0 || (long)restartIntervalRows * description.Columns > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(restartIntervalRows), restartIntervalRows, "Restart interval (rows x columns) must fit 0..65535");
        }

        int precision = Math.Max(2, description.BitsStored);
        int width = description.Columns;
        int height = description.Rows;
        int samples = description.SamplesPerPixel;
        int pixels = width * height;
        int mask = (1 << precision) - 1;

        // Component planes of masked sample values.
        var planes = new ushort[samples][];
        for (int c = 0; c < samples; c++)
        {
            var plane = new ushort[pixels];
            int offset = description.PlanarConfiguration == 0 ? c : c * pixels;
            int stride = description.PlanarConfiguration == 0 ? samples : 1;
            for (int i = 0, o = offset; i < pixels; i++, o += stride)
            {
                int v = description.BytesPerSample == 1 ? nativeFrame[o] : BinaryPrimitives.ReadUInt16LittleEndian(nativeFrame[(o * 2)..]);
                plane[i] = (ushort)(v & mask);
            }

            planes[c] = plane;
        }

        // Pass 1: histogram of difference categories.
        var frequencies = new long[Categories];
        int initial = 1 << (precision - 1);
        for (int c = 0; c < samples; c++)
        {
            ReadOnlySpan<ushort> plane = planes[c];
            for (int i = 0; i < pixels; i++)
            {
                frequencies[Category(Difference(plane, i, width, initial, predictor, restartIntervalRows))]++;
            }
        }

        BuildTable(frequencies, out byte[] counts, out byte[] symbols);
        var codes = new int[Categories];
        var lengths = new int[Categories];
        AssignCodes(counts, symbols, codes, lengths);

        var writer = new JpegBitWriter(pixels * samples * 2 / 3);
        WriteHeaders(writer, description, precision, counts, symbols, predictor, restartIntervalRows * width);

        // Pass 2: entropy-coded data, components interleaved pixel by pixel.
        int restartPixels = restartIntervalRows * width;
        int restartIndex = 0;
        for (int i = 0; i < pixels; i++)
        {
            if (restartPixels > 0 && i > 0 && i % restartPixels == 0)
            {
                writer.FlushBits();
                writer.WriteMarker(0xD0 + restartIndex);
                restartIndex = (restartIndex + 1) & 7;
            }

            for (int c = 0; c < samples; c++)
            {
                int diff = Difference(planes[c], i, width, initial, predictor, restartIntervalRows);
                int category = Category(diff);
                writer.WriteBits(codes[category], lengths[category]);
                if (category is > 0 and < 16)
                {
                    int bits = diff > 0 ? diff : diff + (1 << category) - 1;
                    writer.WriteBits(bits & ((1 << category) - 1), category);
                }
            }
        }

        writer.FlushBits();
        writer.WriteMarker(0xD9);
        return writer.ToArray();
    }

    private static int Difference(ReadOnlySpan<ushort> plane, int i, int width, int initial, int predictor, int restartIntervalRows)
    {
        int row = i / width;
        int col = i - (row * width);
        bool firstLine = restartIntervalRows > 0 ? row % restartIntervalRows == 0 : row == 0;
        int prediction = JpegLosslessPredictor.Predict(plane, i, width, predictor, initial, firstLine && col == 0, firstLine, col == 0);

        // Differences are taken modulo 2^16, in the range -32767..32768.
        int diff = (plane[i] - prediction) & 0xFFFF;
        return diff > 32768 ? diff - 65536 : diff;
    }

    private static int Category(int diff)
    {
        if (diff == 32768)
        {
            return 16;
        }

        uint magnitude = (uint)Math.Abs(diff);
        return magnitude == 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount(magnitude);
    }

    /// <summary>Code lengths limited to 16 bits, per ITU T.81 Annex K.2 (figures K.1 to K.4).</summary>
    private static void BuildTable(long[] frequencies, out byte[] counts, out byte[] symbols)
    {
        const int Reserved = Categories;
        var freq = new long[Categories + 1];
        Array.Copy(frequencies, freq, Categories);
        freq[Reserved] = 1;
        var codeSize = new int[Categories + 1];
        var others = new int[Categories + 1];
        Array.Fill(others, -1);
        while (true)
        {
            int v1 = -1;
            int v2 = -1;
            for (int i = 0; i <= Categories; i++)
            {
                if (freq[i] > 0 && (v1 < 0 || freq[i] <= freq[v1]))
                {
                    v1 = i;
                }
            }

            for (int i = 0; i <= Categories; i++)
            {
                if (i != v1 && freq[i] > 0 && (v2 < 0 || freq[i] <= freq[v2]))
                {
                    v2 = i;
                }
            }

            if (v2 < 0)
            {
                break;
            }

            freq[v1] += freq[v2];
            freq[v2] = 0;
            codeSize[v1]++;
            while (others[v1] >= 0)
            {
                v1 = others[v1];
                codeSize[v1]++;
            }

            others[v1] = v2;
            codeSize[v2]++;
            while (others[v2] >= 0)
            {
                v2 = others[v2];
                codeSize[v2]++;
            }
        }

        var bits = new int[64];
        for (int i = 0; i <= Categories; i++)
        {
            if (codeSize[i] > 0)
            {
                bits[codeSize[i]]++;
            }
        }

        for (int i = bits.Length - 1; i > 16; i--)
        {
            while (bits[i] > 0)
            {
                int j = i - 2;
                while (bits[j] == 0)
                {
                    j--;
                }

                bits[i] -= 2;
                bits[i - 1]++;
                bits[j + 1] += 2;
                bits[j]--;
            }
        }

        // Remove the reserved code point (the longest code), so that no code is all ones.
        int longest = 16;
        while (bits[longest] == 0)
        {
            longest--;
        }

        bits[longest]--;

        counts = new byte[16];
        for (int i = 1; i <= 16; i++)
        {
            counts[i - 1] = (byte)bits[i];
        }

        var list = new List<byte>(Categories);
        for (int size = 1; size <= 63; size++)
        {
            for (int s = 0; s < Categories; s++)
            {
                if (codeSize[s] == size)
                {
                    list.Add((byte)s);
                }
            }
        }

        symbols = [.. list];
    }

    private static void AssignCodes(byte[] counts, byte[] symbols, int[] codes, int[] lengths)
    {
        int code = 0;
        int k = 0;
        for (int length = 1; length <= 16; length++)
        {
            for (int n = 0; n < counts[length - 1]; n++, k++, code++)
            {
                codes[symbols[k]] = code;
                lengths[symbols[k]] = length;
            }

            code <<= 1;
        }
    }

    private static void WriteHeaders(JpegBitWriter w, ImagePixelDescription d, int precision, byte[] counts, byte[] symbols, int predictor, int restartInterval)
    {
        int samples = d.SamplesPerPixel;
        w.WriteMarker(0xD8);
        if (restartInterval > 0)
        {
            w.WriteMarker(0xDD);
            w.WriteUInt16(4);
            w.WriteUInt16(restartInterval);
        }

        w.WriteMarker(0xC3);
        w.WriteUInt16(8 + (3 * samples));
        w.WriteByte((byte)precision);
        w.WriteUInt16(d.Rows);
        w.WriteUInt16(d.Columns);
        w.WriteByte((byte)samples);
        for (int c = 0; c < samples; c++)
        {
            w.WriteByte((byte)(c + 1));
            w.WriteByte(0x11);
            w.WriteByte(0);
        }

        w.WriteMarker(0xC4);
        w.WriteUInt16(2 + 17 + symbols.Length);
        w.WriteByte(0x00);
        foreach (byte b in counts)
        {
            w.WriteByte(b);
        }

        foreach (byte b in symbols)
        {
            w.WriteByte(b);
        }

        w.WriteMarker(0xDA);
        w.WriteUInt16(6 + (2 * samples));
        w.WriteByte((byte)samples);
        for (int c = 0; c < samples; c++)
        {
            w.WriteByte((byte)(c + 1));
            w.WriteByte(0x00);
        }

        w.WriteByte((byte)predictor); // selection value
        w.WriteByte(0); // Se
        w.WriteByte(0); // Ah = 0, Al (point transform) = 0
    }
}
