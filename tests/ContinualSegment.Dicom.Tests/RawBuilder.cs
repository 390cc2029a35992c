using System.Buffers.Binary;
using System.Text;

namespace ContinualSegment.Dicom.Tests;

/// <summary>Builds raw little-endian DICOM bytes by hand, for reader tests.</summary>
internal sealed class RawBuilder
{
    private readonly List<byte> stream = [];

    public RawBuilder Explicit(ushort group, ushort element, string vr, byte[] value, uint? length = null)
    {
        Tag(group, element);
        stream.AddRange(Encoding.ASCII.GetBytes(vr));
        if (DicomVR.Parse(vr).Is32BitLength)
        {
            stream.AddRange((byte[])[0, 0]);
            U32(length ?? (uint)value.Length);
        }
        else
        {
            U16((ushort)(length ?? (uint)value.Length));
        }

        stream.AddRange(value);
        return this;
    }

    public RawBuilder Explicit(ushort group, ushort element, string vr, string text) => Explicit(group, element, vr, Encoding.ASCII.GetBytes(text));

    public RawBuilder Implicit(ushort group, ushort element, byte[] value, uint? length = null)
    {
        Tag(group, element);
        U32(length ?? (uint)value.Length);
        stream.AddRange(value);
        return this;
    }

    public RawBuilder Implicit(ushort group, ushort element, string text) => Implicit(group, element, Encoding.ASCII.GetBytes(text));

    public RawBuilder Item(uint length = 0xFFFFFFFF) => Delimiter(0xE000, length);

    public RawBuilder ItemEnd() => Delimiter(0xE00D, 0);

    public RawBuilder SequenceEnd() => Delimiter(0xE0DD, 0);

    public RawBuilder Bytes(params byte[] bytes)
    {
        stream.AddRange(bytes);
        return this;
    }

    public byte[] ToArray() => [.. stream];

    /// <summary>A PS3.10 file: preamble, DICM, a meta group with the given transfer syntax, then this builder's bytes.</summary>
    public byte[] AsPart10(string transferSyntax)
    {
        var meta = new RawBuilder()
            .Explicit(0x0002, 0x0001, "OB", [0, 1])
            .Explicit(0x0002, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.7\0")
            .Explicit(0x0002, 0x0003, "UI", "1.2.3.4\0")
            .Explicit(0x0002, 0x0010, "UI", transferSyntax.Length % 2 == 1 ? transferSyntax + "\0" : transferSyntax)
            .ToArray();
        var header = new RawBuilder().Explicit(0x0002, 0x0000, "UL", BitConverter.GetBytes((uint)meta.Length)).ToArray();
        return [.. new byte[128], .. "DICM"u8.ToArray(), .. header, .. meta, .. ToArray()];
    }

    private RawBuilder Delimiter(ushort element, uint length)
    {
        Tag(0xFFFE, element);
        U32(length);
        return this;
    }

    private void Tag(ushort group, ushort element)
    {
        U16(group);
        U16(element);
    }

    private void U16(ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        stream.AddRange(b);
    }

    private void U32(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        stream.AddRange(b);
    }
}
