using System.Buffers.Binary;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>Growable big-endian byte buffer with length back-patching, used to encode PDUs.</summary>
internal sealed class ByteBuilder
{
    private byte[] buffer;

    public ByteBuilder(int capacity = 256)
    {
        buffer = new byte[Math.Max(16, capacity)];
    }

    public int Length { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => buffer.AsSpan(0, Length);

    public void WriteByte(byte value) => GetSpan(1)[0] = value;

    public void WriteUInt16(int value) => BinaryPrimitives.WriteUInt16BigEndian(GetSpan(2), checked((ushort)value));

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(GetSpan(4), value);

    public void WriteBytes(ReadOnlySpan<byte> value) => value.CopyTo(GetSpan(value.Length));

    public void WriteZeros(int count) => GetSpan(count).Clear();

    public void PatchUInt16(int position, int value)
    {
        if (value > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "An item is longer than 65535 bytes.");
        }

        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(position, 2), (ushort)value);
    }

    public void PatchUInt32(int position, uint value) => BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(position, 4), value);

    private Span<byte> GetSpan(int count)
    {
        if (Length + count > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, Length + count));
        }

        var span = buffer.AsSpan(Length, count);
        Length += count;
        return span;
    }
}
