using System.Buffers.Binary;
using System.Text;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>
/// A command set (group 0000): encoded in Implicit VR Little Endian with the Command Group Length (0000,0000)
/// first (PS3.7 §6.3.1). Only the elements of group 0000 are allowed.
/// </summary>
internal sealed class DimseCommandSet
{
    public const ushort AffectedSopClassUid = 0x0002;
    public const ushort RequestedSopClassUid = 0x0003;
    public const ushort CommandField = 0x0100;
    public const ushort MessageId = 0x0110;
    public const ushort MessageIdBeingRespondedTo = 0x0120;
    public const ushort MoveDestination = 0x0600;
    public const ushort Priority = 0x0700;
    public const ushort CommandDataSetType = 0x0800;
    public const ushort Status = 0x0900;
    public const ushort OffendingElement = 0x0901;
    public const ushort ErrorComment = 0x0902;
    public const ushort ErrorId = 0x0903;
    public const ushort AffectedSopInstanceUid = 0x1000;
    public const ushort RequestedSopInstanceUid = 0x1001;
    public const ushort RemainingSubOperations = 0x1020;
    public const ushort CompletedSubOperations = 0x1021;
    public const ushort FailedSubOperations = 0x1022;
    public const ushort WarningSubOperations = 0x1023;
    public const ushort MoveOriginatorAeTitle = 0x1030;
    public const ushort MoveOriginatorMessageId = 0x1031;

    /// <summary>Command Data Set Type value meaning "no data set".</summary>
    public const ushort NoDataSet = 0x0101;

    private const int MaxElements = 256;

    private readonly SortedDictionary<ushort, byte[]> elements = [];

    public IEnumerable<ushort> Elements => this.elements.Keys;

    public bool Contains(ushort element) => this.elements.ContainsKey(element);

    public void SetUInt16(ushort element, ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        this.elements[element] = bytes;
    }

    public void SetUid(ushort element, string uid)
    {
        UidRules.Validate(uid, nameof(uid));
        this.elements[element] = Pad(Encoding.ASCII.GetBytes(uid), 0);
    }

    public void SetAeTitle(ushort element, string aeTitle)
    {
        var trimmed = AeTitle.Validate(aeTitle, nameof(aeTitle));
        this.elements[element] = Pad(Encoding.ASCII.GetBytes(trimmed), (byte)' ');
    }

    public void SetText(ushort element, string text)
    {
        var clean = new string([.. text.Where(c => c is >= ' ' and <= '~' && c != '\\').Take(64)]);
        this.elements[element] = Pad(Encoding.ASCII.GetBytes(clean), (byte)' ');
    }

    public void SetRaw(ushort element, byte[] value) => this.elements[element] = value.Length % 2 == 0 ? value : Pad(value, 0);

    public ushort? GetUInt16(ushort element)
    {
        if (!this.elements.TryGetValue(element, out var bytes))
        {
            return null;
        }

        if (bytes.Length != 2)
        {
            throw new DimseProtocolException($"Command element (0000,{element:X4}) has length {bytes.Length}, expected 2.");
        }

        return BinaryPrimitives.ReadUInt16LittleEndian(bytes);
    }

    public ushort RequireUInt16(ushort element) =>
        GetUInt16(element) ?? throw new DimseProtocolException($"Command element (0000,{element:X4}) is missing.");

    public string? GetString(ushort element) =>
        this.elements.TryGetValue(element, out var bytes) ? Encoding.ASCII.GetString(bytes).TrimEnd('\0', ' ').TrimStart(' ') : null;

    public string? GetUid(ushort element)
    {
        var text = GetString(element);
        if (text is null)
        {
            return null;
        }

        if (!UidRules.IsValid(text))
        {
            throw new DimseProtocolException($"Command element (0000,{element:X4}) holds an invalid UID.");
        }

        return text;
    }

    public string RequireUid(ushort element) =>
        GetUid(element) ?? throw new DimseProtocolException($"Command element (0000,{element:X4}) is missing.");

    public byte[] Encode()
    {
        var length = 0;
        foreach (var (_, value) in this.elements)
        {
            length += 8 + value.Length;
        }

        var buffer = new byte[12 + length];
        var span = buffer.AsSpan();
        WriteHeader(span, 0x0000, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)length);
        var offset = 12;
        foreach (var (element, value) in this.elements)
        {
            WriteHeader(span[offset..], element, value.Length);
            value.CopyTo(span[(offset + 8)..]);
            offset += 8 + value.Length;
        }

        return buffer;
    }

    public static DimseCommandSet Decode(ReadOnlySpan<byte> data)
    {
        var set = new DimseCommandSet();
        var offset = 0;
        uint? groupLength = null;
        var groupStart = 0;
        while (offset < data.Length)
        {
            if (data.Length - offset < 8)
            {
                throw new DimseProtocolException("The command set ends inside an element header.");
            }

            var group = BinaryPrimitives.ReadUInt16LittleEndian(data[offset..]);
            var element = BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 2)..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(data[(offset + 4)..]);
            if (group != 0x0000)
            {
                throw new DimseProtocolException($"The command set holds an element of group {group:X4}.");
            }

            if (length > (uint)(data.Length - offset - 8))
            {
                throw new DimseProtocolException($"Command element (0000,{element:X4}) has length {length}, beyond the end of the command set.");
            }

            var value = data.Slice(offset + 8, (int)length);
            offset += 8 + (int)length;
            if (element == 0x0000)
            {
                if (length != 4)
                {
                    throw new DimseProtocolException("The command group length must have 4 bytes.");
                }

                groupLength = BinaryPrimitives.ReadUInt32LittleEndian(value);
                groupStart = offset;
                continue;
            }

            if (set.elements.Count >= MaxElements)
            {
                throw new DimseProtocolException("The command set has too many elements.");
            }

            set.elements[element] = value.ToArray();
        }

        if (groupLength is { } expected && expected != (uint)(data.Length - groupStart))
        {
            throw new DimseProtocolException($"The command group length {expected} does not match the {data.Length - groupStart} bytes that follow it.");
        }

        return set;
    }

    private static void WriteHeader(Span<byte> span, ushort element, int length)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(span, 0x0000);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], element);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)length);
    }

    private static byte[] Pad(byte[] bytes, byte pad)
    {
        if (bytes.Length % 2 == 0)
        {
            return bytes;
        }

        var padded = new byte[bytes.Length + 1];
        bytes.CopyTo(padded, 0);
        padded[^1] = pad;
        return padded;
    }
}
