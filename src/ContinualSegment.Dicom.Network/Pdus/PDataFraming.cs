using System.Buffers.Binary;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>
/// The one place that knows how presentation data values are framed in a P-DATA-TF PDU (PS3.8 §9.3.5): a 4-byte item
/// length, the presentation context ID, the message control header, then the fragment. The codec, the transport's
/// header-then-payload writes and both decoders (copying and borrowing) go through it.
/// </summary>
internal static class PDataFraming
{
    /// <summary>Length of a PDV item header: item length, presentation context ID, message control header.</summary>
    public const int PdvHeaderLength = 6;

    /// <summary>Length of the headers in front of the payload of a P-DATA-TF PDU that carries one PDV.</summary>
    public const int SinglePdvHeaderLength = PduCodec.HeaderLength + PdvHeaderLength;

    /// <summary>Writes the item header of <paramref name="pdv"/> (<see cref="PdvHeaderLength"/> bytes).</summary>
    public static void WritePdvHeader(Span<byte> destination, PresentationDataValue pdv)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, checked((uint)pdv.Data.Length + 2));
        destination[4] = pdv.PresentationContextId;
        destination[5] = pdv.MessageControlHeader;
    }

    /// <summary>Writes the PDU header and the PDV item header of a P-DATA-TF PDU carrying only <paramref name="pdv"/>.</summary>
    public static void WriteSinglePdvHeaders(Span<byte> destination, PresentationDataValue pdv)
    {
        destination[0] = (byte)PduType.PData;
        destination[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], checked((uint)pdv.Data.Length + PdvHeaderLength));
        WritePdvHeader(destination[PduCodec.HeaderLength..], pdv);
    }

    /// <summary>
    /// Decodes a P-DATA-TF body. With <paramref name="borrowed"/> (the same bytes as <paramref name="body"/>) the
    /// values point into that memory, valid only while the caller keeps it unchanged; without it they are copies.
    /// </summary>
    public static PDataTfPdu Decode(ReadOnlySpan<byte> body, ReadOnlyMemory<byte>? borrowed)
    {
        var values = new List<PresentationDataValue>(1);
        var offset = 0;
        while (offset < body.Length)
        {
            if (body.Length - offset < 4)
            {
                throw Invalid($"PDV item header needs 4 bytes at offset {offset} but only {body.Length - offset} remain.");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(body[offset..]);
            offset += 4;
            if (length < 2 || length > (uint)(body.Length - offset))
            {
                throw Invalid($"PDV item length {length} does not fit the {body.Length - offset} remaining byte(s) of the P-DATA-TF PDU.");
            }

            var id = body[offset];
            var header = body[offset + 1];
            if ((id & 1) == 0 || header > 3)
            {
                throw Invalid($"PDV with presentation context ID {id} / control header 0x{header:X2} is invalid.");
            }

            ReadOnlyMemory<byte> data = borrowed is { } memory
                ? memory.Slice(offset + 2, (int)length - 2)
                : body.Slice(offset + 2, (int)length - 2).ToArray();
            values.Add(new PresentationDataValue(id, (header & 1) != 0, (header & 2) != 0, data));
            offset += (int)length;
        }

        if (values.Count == 0)
        {
            throw Invalid("P-DATA-TF PDU without presentation data values.");
        }

        return new PDataTfPdu(values);
    }

    private static PduFormatException Invalid(string message) =>
        new(message, AbortReason.InvalidPduParameterValue, framingLost: false);
}
