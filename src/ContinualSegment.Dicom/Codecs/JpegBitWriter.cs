namespace ContinualSegment.Dicom.Codecs;

/// <summary>Writes JPEG marker segments and MSB-first entropy-coded bits with 0xFF00 byte stuffing.</summary>
internal sealed class JpegBitWriter
{
    private byte[] bytes;
    private int length;
    private uint accumulator;
    private int bitCount;

    internal JpegBitWriter(int capacity)
    {
        bytes = new byte[Math.Max(256, capacity)];
    }

    internal void WriteByte(byte value)
    {
        if (length == bytes.Length)
        {
            Array.Resize(ref bytes, checked(bytes.Length * 2));
        }

        bytes[length++] = value;
    }

    internal void WriteUInt16(int value)
    {
        WriteByte((byte)(value >> 8));
        WriteByte((byte)value);
    }

    internal void WriteMarker(int marker)
    {
        WriteByte(0xFF);
        WriteByte((byte)marker);
    }

    /// <summary>Appends the low <paramref name="count"/> (at most 16) bits of <paramref name="value"/>.</summary>
    internal void WriteBits(int value, int count)
    {
        if (count == 0)
        {
            return;
        }

        accumulator = (accumulator << count) | ((uint)value & ((1u << count) - 1));
        bitCount += count;
        while (bitCount >= 8)
        {
            bitCount -= 8;
            byte b = (byte)(accumulator >> bitCount);
            WriteByte(b);
            if (b == 0xFF)
            {
                WriteByte(0);
            }
        }
    }

    /// <summary>Pads the last partial byte with one bits.</summary>
    internal void FlushBits()
    {
        if (bitCount > 0)
        {
            WriteBits((1 << (8 - bitCount)) - 1, 8 - bitCount);
        }

        accumulator = 0;
        bitCount = 0;
    }

    internal byte[] ToArray() => bytes.AsSpan(0, length).ToArray();
}
