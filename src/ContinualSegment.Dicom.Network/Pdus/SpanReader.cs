using System.Buffers.Binary;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>Bounds-checked big-endian reader over a PDU body; every overrun is a <see cref="PduFormatException"/>.</summary>
internal ref struct SpanReader
{
    private readonly ReadOnlySpan<byte> data;
    private readonly string what;

    public SpanReader(ReadOnlySpan<byte> data, string what)
    {
        this.data = data;
        this.what = what;
        Position = 0;
    }

    public int Position { get; private set; }

    public readonly int Remaining => this.data.Length - Position;

    public byte ReadByte() => Take(1)[0];

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public ReadOnlySpan<byte> ReadBytes(int count) => Take(count);

    public void Skip(int count) => Take(count);

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new PduFormatException(
                $"{this.what}: needs {count} byte(s) at offset {Position} but only {Remaining} remain.",
                AbortReason.InvalidPduParameterValue,
                framingLost: false);
        }

        var slice = this.data.Slice(Position, count);
        Position += count;
        return slice;
    }
}
