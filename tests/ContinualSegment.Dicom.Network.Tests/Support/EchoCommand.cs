using System.Buffers.Binary;
using System.Text;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>
/// Test-only C-ECHO command sets, hand-encoded in implicit VR little endian (PS3.7 §9.3.5). The real DIMSE
/// layer replaces this; it exists so real peers (echoscu) can be exercised against the upper layer.
/// </summary>
internal static class EchoCommand
{
    public const ushort EchoRq = 0x0030;
    public const ushort EchoRsp = 0x8030;

    public static byte[] Request(ushort messageId) => Build(
        (0x0002, Uid(RawPdu.Verification)),
        (0x0100, U16(EchoRq)),
        (0x0110, U16(messageId)),
        (0x0800, U16(0x0101)));

    public static byte[] Response(ushort respondingTo, string sopClass) => Build(
        (0x0002, Uid(sopClass)),
        (0x0100, U16(EchoRsp)),
        (0x0120, U16(respondingTo)),
        (0x0800, U16(0x0101)),
        (0x0900, U16(0)));

    /// <summary>Group 0000 elements by element number.</summary>
    public static Dictionary<ushort, byte[]> Parse(ReadOnlySpan<byte> command)
    {
        var elements = new Dictionary<ushort, byte[]>();
        var offset = 0;
        while (offset + 8 <= command.Length)
        {
            var group = BinaryPrimitives.ReadUInt16LittleEndian(command[offset..]);
            var element = BinaryPrimitives.ReadUInt16LittleEndian(command[(offset + 2)..]);
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(command[(offset + 4)..]);
            Assert.Equal(0, group);
            Assert.True(offset + 8 + length <= command.Length, "element overruns the command");
            elements[element] = command.Slice(offset + 8, length).ToArray();
            offset += 8 + length;
        }

        Assert.Equal(command.Length, offset);
        return elements;
    }

    public static ushort ReadU16(Dictionary<ushort, byte[]> elements, ushort element) => BinaryPrimitives.ReadUInt16LittleEndian(elements[element]);

    public static string ReadUid(Dictionary<ushort, byte[]> elements, ushort element) => Encoding.ASCII.GetString(elements[element]).TrimEnd('\0', ' ');

    private static byte[] U16(ushort value) => [(byte)value, (byte)(value >> 8)];

    private static byte[] Uid(string uid)
    {
        var bytes = Encoding.ASCII.GetBytes(uid);
        return bytes.Length % 2 == 0 ? bytes : [.. bytes, 0];
    }

    private static byte[] Build(params (ushort Element, byte[] Value)[] elements)
    {
        var body = new List<byte>();
        foreach (var (element, value) in elements)
        {
            body.AddRange(Element(element, value));
        }

        return [.. Element(0x0000, BitConverter.GetBytes((uint)body.Count)), .. body];
    }

    private static byte[] Element(ushort element, byte[] value)
    {
        var bytes = new byte[8 + value.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), element);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)value.Length);
        value.CopyTo(bytes, 8);
        return bytes;
    }
}
