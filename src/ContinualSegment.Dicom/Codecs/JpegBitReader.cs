using System.Runtime.CompilerServices;

namespace ContinualSegment.Dicom.Codecs;

/// <summary>
/// Reads entropy-coded JPEG data MSB first, removing 0xFF00 byte stuffing and stopping at the next marker.
/// Past a marker or the end of the data it supplies zero bits, but only a bounded number, so truncated data
/// ends in a <see cref="DicomException"/> instead of an endless or out-of-range read.
/// </summary>
internal ref struct JpegBitReader
{
    private const int MaxPaddingBits = 256;

    private readonly ReadOnlySpan<byte> data;
    private ulong buffer;
    private int count;
    private int paddingBits;
    private bool atMarker;

    internal JpegBitReader(ReadOnlySpan<byte> data, int position)
    {
        this.data = data;
        Position = position;
    }

    /// <summary>Offset of the next unread byte (at a marker once <see cref="AtMarker"/> is true).</summary>
    internal int Position { get; private set; }

    internal readonly bool AtMarker => atMarker;

    private void Fill()
    {
        while (count <= 56)
        {
            int b;
            if (atMarker || Position >= data.Length)
            {
                b = 0;
                paddingBits += 8;
                if (paddingBits > MaxPaddingBits)
                {
                    throw new DicomException("JPEG entropy-coded data ends before the image is complete");
                }
            }
            else
            {
                b = data[Position];
                if (b == 0xFF)
                {
                    int next = Position + 1 < data.Length ? data[Position + 1] : -1;
                    if (next == 0)
                    {
                        Position += 2;
                    }
                    else if (next == 0xFF)
                    {
                        // Fill byte before a marker.
                        Position++;
                        continue;
                    }
                    else
                    {
                        atMarker = true;
                        continue;
                    }
                }
                else
                {
                    Position++;
                }
            }

            buffer |= (ulong)(uint)b << (56 - count);
            count += 8;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int ReadBits(int n)
    {
        if (n == 0)
        {
            return 0;
        }

        if (count < n)
        {
            Fill();
        }

        int v = (int)(buffer >> (64 - n));
        buffer <<= n;
        count -= n;
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int DecodeSymbol(JpegHuffmanTable table)
    {
        if (count < 16)
        {
            Fill();
        }

        ushort entry = table.Lookahead((int)(buffer >> (64 - JpegHuffmanTable.LookaheadBits)));
        if (entry != 0)
        {
            int length = entry >> 8;
            buffer <<= length;
            count -= length;
            return entry & 0xFF;
        }

        return DecodeLongSymbol(table);
    }

    private int DecodeLongSymbol(JpegHuffmanTable table)
    {
        for (int length = JpegHuffmanTable.LookaheadBits + 1; length <= 16; length++)
        {
            int code = (int)(buffer >> (64 - length));
            int symbol = table.Symbol(code, length);
            if (symbol >= 0)
            {
                buffer <<= length;
                count -= length;
                return symbol;
            }
        }

        throw new DicomException("JPEG entropy-coded data holds a code that is not in the Huffman table");
    }

    /// <summary>
    /// Accounts for the next MCU of a scan with restart interval <paramref name="restartInterval"/> (0: none): when the
    /// interval is used up, moves past the expected RSTn and returns true (the caller then resets its predictions).
    /// </summary>
    internal bool BeginMcu(int restartInterval, ref int mcusLeft, ref int nextRestart)
    {
        if (restartInterval <= 0)
        {
            return false;
        }

        var restarted = false;
        if (mcusLeft == 0)
        {
            Restart(nextRestart);
            nextRestart = (nextRestart + 1) & 7;
            mcusLeft = restartInterval;
            restarted = true;
        }

        mcusLeft--;
        return restarted;
    }

    /// <summary>Discards buffered bits and moves past the expected restart marker RSTn.</summary>
    internal void Restart(int expectedIndex)
    {
        buffer = 0;
        count = 0;
        paddingBits = 0;
        atMarker = false;
        int p = Position;
        while (p + 1 < data.Length && data[p] == 0xFF && data[p + 1] == 0xFF)
        {
            p++;
        }

        if (p + 1 >= data.Length || data[p] != 0xFF || data[p + 1] != 0xD0 + expectedIndex)
        {
            throw new DicomException($"JPEG restart marker RST{expectedIndex} expected at offset {p}");
        }

        Position = p + 2;
    }
}
