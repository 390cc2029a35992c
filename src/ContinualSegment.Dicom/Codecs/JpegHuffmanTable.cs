namespace ContinualSegment.Dicom.Codecs;

/// <summary>A decoding Huffman table (ITU T.81 Annex C and F.2.2.3) with a 9-bit lookahead table.</summary>
internal sealed class JpegHuffmanTable
{
    internal const int LookaheadBits = 9;

    private readonly byte[] values;
    private readonly int[] maxCode = new int[18];
    private readonly int[] valueOffset = new int[17];
    private readonly ushort[] lookahead = new ushort[1 << LookaheadBits];

    /// <param name="counts">BITS: number of codes of each length 1..16 (index 0 = length 1).</param>
    /// <param name="symbols">HUFFVAL in order of increasing code length.</param>
    internal JpegHuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols)
    {
        values = symbols.ToArray();
        int code = 0;
        int k = 0;
        for (int length = 1; length <= 16; length++)
        {
            int n = counts[length - 1];
            valueOffset[length] = k - code;
            if (n == 0)
            {
                maxCode[length] = -1;
            }
            else
            {
                if (code + n > (1 << length))
                {
                    throw new DicomException("JPEG Huffman table has more codes than its code lengths allow");
                }

                for (int i = 0; i < n; i++, k++, code++)
                {
                    if (length <= LookaheadBits)
                    {
                        int shift = LookaheadBits - length;
                        int first = code << shift;
                        lookahead.AsSpan(first, 1 << shift).Fill((ushort)((length << 8) | symbols[k]));
                    }
                }

                maxCode[length] = code - 1;
            }

            code <<= 1;
        }

        maxCode[17] = int.MaxValue;
    }

    /// <summary>Entry for the next 9 bits: (length &lt;&lt; 8) | symbol, or 0 when the code is longer.</summary>
    internal ushort Lookahead(int nineBits) => lookahead[nineBits & ((1 << LookaheadBits) - 1)];

    /// <summary>Symbol of a code of the given length, or -1 when no code of that length has this value.</summary>
    internal int Symbol(int code, int length)
    {
        if (maxCode[length] < 0 || code > maxCode[length])
        {
            return -1;
        }

        int index = valueOffset[length] + code;
        return (uint)index < (uint)values.Length ? values[index] : -1;
    }
}
