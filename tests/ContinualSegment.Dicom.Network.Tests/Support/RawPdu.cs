using System.Buffers.Binary;
using System.Text;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Hand-made PDU bytes written field by field from PS3.8 §9.3, independent of <see cref="PduCodec"/>.</summary>
internal static class RawPdu
{
    public const string Verification = "1.2.840.10008.1.1";
    public const string ImplicitLe = "1.2.840.10008.1.2";
    public const string ExplicitLe = "1.2.840.10008.1.2.1";
    public const string AppContext = "1.2.840.10008.3.1.1.1";

    public static byte[] Pdu(byte type, params byte[][] parts)
    {
        var body = parts.SelectMany(p => p).ToArray();
        var pdu = new byte[6 + body.Length];
        pdu[0] = type;
        BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(2), (uint)body.Length);
        body.CopyTo(pdu, 6);
        return pdu;
    }

    public static byte[] Item(byte type, params byte[][] parts)
    {
        var value = parts.SelectMany(p => p).ToArray();
        var item = new byte[4 + value.Length];
        item[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(item.AsSpan(2), (ushort)value.Length);
        value.CopyTo(item, 4);
        return item;
    }

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static byte[] Ae(string title) => Ascii(title.PadRight(16));

    public static byte[] U16(int value) => [(byte)(value >> 8), (byte)value];

    public static byte[] U32(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    public static byte[] UserInfo(uint maxLength = 16384) =>
        Item(0x50, Item(0x51, U32(maxLength)), Item(0x52, Ascii("1.2.3.4.5")), Item(0x55, Ascii("RAWPEER")));

    public static byte[] AssociateRq(string called = "ANY-SCP", string calling = "RAWPEER", int version = 1, string appContext = AppContext, byte[]? userInfo = null, params (byte Id, string Abstract, string[] Ts)[] contexts)
    {
        if (contexts.Length == 0)
        {
            contexts = [(1, Verification, [ImplicitLe])];
        }

        var items = new List<byte[]> { U16(version), new byte[2], Ae(called), Ae(calling), new byte[32], Item(0x10, Ascii(appContext)) };
        foreach (var (id, abs, ts) in contexts)
        {
            var sub = new List<byte[]> { new byte[] { id, 0, 0, 0 }, Item(0x30, Ascii(abs)) };
            sub.AddRange(ts.Select(t => Item(0x40, Ascii(t))));
            items.Add(Item(0x20, [.. sub]));
        }

        items.Add(userInfo ?? UserInfo());
        return Pdu(0x01, [.. items]);
    }

    public static byte[] AssociateAc(string called, string calling, uint maxLength, params (byte Id, byte Result, string Ts)[] contexts)
    {
        var items = new List<byte[]> { U16(1), new byte[2], Ae(called), Ae(calling), new byte[32], Item(0x10, Ascii(AppContext)) };
        foreach (var (id, result, ts) in contexts)
        {
            items.Add(Item(0x21, new byte[] { id, 0, result, 0 }, Item(0x40, Ascii(ts))));
        }

        items.Add(UserInfo(maxLength));
        return Pdu(0x02, [.. items]);
    }

    public static byte[] AssociateRj(byte result, byte source, byte reason) => Pdu(0x03, [0, result, source, reason]);

    public static byte[] PData(byte contextId, bool command, bool last, byte[] data) =>
        Pdu(0x04, U32((uint)data.Length + 2), [contextId, (byte)((command ? 1 : 0) | (last ? 2 : 0))], data);

    public static byte[] ReleaseRq() => Pdu(0x05, [0, 0, 0, 0]);

    public static byte[] ReleaseRp() => Pdu(0x06, [0, 0, 0, 0]);

    public static byte[] Abort(byte source = 0, byte reason = 0) => Pdu(0x07, [0, 0, source, reason]);
}
