using System.Buffers.Binary;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>
/// Walks the marker segments of a JPEG stream (ITU T.81 §B.1) for the decoders: checks SOI, skips fill bytes and
/// stand-alone markers (RSTn, TEM), stops at EOI, and hands out each segment's marker and payload. The decoders parse
/// the payloads; a scan's entropy-coded data is theirs to read, after which they set <see cref="Position"/> to
/// where the next marker is.
/// </summary>
internal ref struct JpegSegmentReader
{
    private readonly ReadOnlySpan<byte> data;

    /// <exception cref="DicomException">The stream does not start with SOI.</exception>
    internal JpegSegmentReader(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            throw new DicomException("JPEG stream does not start with an SOI marker");
        }

        this.data = data;
        Position = 2;
    }

    /// <summary>Offset of the next marker (or, just after <see cref="TryRead"/> returned SOS, of the scan's entropy-coded data).</summary>
    internal int Position { get; set; }

    /// <summary>
    /// Reads the next marker segment. Returns false at EOI or at the end of the data.
    /// </summary>
    /// <exception cref="DicomException">No marker where one must be, or a segment whose length does not fit.</exception>
    internal bool TryRead(out int marker, out ReadOnlySpan<byte> segment)
    {
        segment = default;
        marker = 0;
        int pos = Position;
        while (pos < data.Length)
        {
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

            marker = data[pos++];
            if (marker == 0xD9)
            {
                Position = pos;
                return false;
            }

            if (marker is (>= 0xD0 and <= 0xD7) or 0x01)
            {
                continue;
            }

            if (pos + 2 > data.Length)
            {
                throw new DicomException($"JPEG marker 0x{marker:X2} at offset {pos - 2} is truncated");
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (length < 2 || pos + length > data.Length)
            {
                throw new DicomException($"JPEG segment 0x{marker:X2} at offset {pos - 2} has bad length {length}");
            }

            segment = data.Slice(pos + 2, length - 2);
            Position = pos + length;
            return true;
        }

        Position = data.Length;
        return false;
    }

    /// <summary>
    /// The fields of an SOFn segment (T.81 §B.2.2) checked against the image: its size must be the image's and it must
    /// have one component per sample, each with its three bytes present (from offset 6 on).
    /// </summary>
    internal static (int Precision, int Lines, int SamplesPerLine, int Components) ReadFrameHeader(ReadOnlySpan<byte> s, ImagePixelDescription d)
    {
        if (s.Length < 6)
        {
            throw new DicomException("JPEG SOF segment too short");
        }

        int precision = s[0];
        int lines = BinaryPrimitives.ReadUInt16BigEndian(s[1..]);
        int samplesPerLine = BinaryPrimitives.ReadUInt16BigEndian(s[3..]);
        int count = s[5];
        if (lines != d.Rows || samplesPerLine != d.Columns)
        {
            throw new DicomException($"JPEG frame is {samplesPerLine}x{lines}, the image is {d.Columns}x{d.Rows}");
        }

        if (count != d.SamplesPerPixel || s.Length < 6 + (3 * count))
        {
            throw new DicomException($"JPEG frame has {count} components, the image has {d.SamplesPerPixel} samples per pixel");
        }

        return (precision, lines, samplesPerLine, count);
    }

    /// <summary>The restart interval of a DRI segment.</summary>
    internal static int RestartInterval(ReadOnlySpan<byte> segment) =>
        segment.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(segment) : throw new DicomException("JPEG DRI segment too short");

    /// <summary>
    /// Reads the Huffman tables of a DHT segment into <paramref name="dc"/> and <paramref name="ac"/> by class and
    /// destination (lossless coding uses the DC class only).
    /// </summary>
    internal static void ReadHuffmanTables(ReadOnlySpan<byte> s, JpegHuffmanTable?[] dc, JpegHuffmanTable?[] ac)
    {
        int p = 0;
        while (p < s.Length)
        {
            if (p + 17 > s.Length)
            {
                throw new DicomException("JPEG DHT segment truncated");
            }

            int tc = s[p] >> 4;
            int th = s[p] & 15;
            if (tc > 1 || th > 3)
            {
                throw new DicomException($"JPEG Huffman table class {tc} or destination {th} out of range");
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

            (tc == 0 ? dc : ac)[th] = new JpegHuffmanTable(counts, s.Slice(p + 17, total));
            p += 17 + total;
        }
    }

    /// <summary>
    /// Where the marker after a scan is: from the bit reader's position, past any restart markers and stuffed bytes,
    /// to the first other marker (or the end of the data).
    /// </summary>
    internal static int AfterScan(ReadOnlySpan<byte> data, in JpegBitReader reader)
    {
        int p = reader.AtMarker ? reader.Position : Math.Min(reader.Position, data.Length);
        while (p + 1 < data.Length && !(data[p] == 0xFF && data[p + 1] != 0 && data[p + 1] != 0xFF && (data[p + 1] < 0xD0 || data[p + 1] > 0xD7)))
        {
            p++;
        }

        return p + 1 < data.Length ? p : data.Length;
    }
}
