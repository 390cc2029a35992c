using System.Buffers;
using System.Buffers.Binary;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>Encodes and decodes upper layer PDUs (PS3.8 §9.3) with strict length checks.</summary>
public static class PduCodec
{
    /// <summary>Length of the common PDU header: type, reserved, 32-bit length.</summary>
    public const int HeaderLength = 6;

    private const byte ApplicationContextItem = 0x10;
    private const byte PresentationContextRequestItem = 0x20;
    private const byte PresentationContextAcceptItem = 0x21;
    private const byte AbstractSyntaxItem = 0x30;
    private const byte TransferSyntaxItem = 0x40;
    private const byte UserInformationItem = 0x50;

    /// <summary>Encodes <paramref name="pdu"/>, header included, into <paramref name="writer"/>.</summary>
    public static void Encode(Pdu pdu, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var bytes = Encode(pdu);
        bytes.CopyTo(writer.GetSpan(bytes.Length));
        writer.Advance(bytes.Length);
    }

    /// <summary>Encodes <paramref name="pdu"/>, header included.</summary>
    public static byte[] Encode(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        var b = new ByteBuilder();
        b.WriteByte((byte)pdu.Type);
        b.WriteByte(0);
        b.WriteUInt32(0);
        switch (pdu)
        {
            case AssociateRequestPdu rq:
                WriteAssociateHeader(b, rq.ProtocolVersion, rq.CalledAeTitle, rq.CallingAeTitle, rq.ApplicationContextName);
                foreach (var pc in rq.PresentationContexts)
                {
                    WriteProposal(b, pc);
                }

                UserInformationCodec.Write(b, rq.UserInformation);
                break;
            case AssociateAcceptPdu ac:
                WriteAssociateHeader(b, ac.ProtocolVersion, PadOrDefault(ac.CalledAeTitle), PadOrDefault(ac.CallingAeTitle), ac.ApplicationContextName);
                foreach (var pc in ac.PresentationContexts)
                {
                    WriteResponse(b, pc);
                }

                UserInformationCodec.Write(b, ac.UserInformation);
                break;
            case AssociateRejectPdu rj:
                b.WriteByte(0);
                b.WriteByte((byte)rj.Result);
                b.WriteByte((byte)rj.Source);
                b.WriteByte(rj.Reason);
                break;
            case PDataTfPdu pd:
                if (pd.Values.Count == 0)
                {
                    throw new ArgumentException("A P-DATA-TF PDU needs at least one presentation data value.", nameof(pdu));
                }

                Span<byte> pdvHeader = stackalloc byte[PDataFraming.PdvHeaderLength];
                foreach (var pdv in pd.Values)
                {
                    PDataFraming.WritePdvHeader(pdvHeader, pdv);
                    b.WriteBytes(pdvHeader);
                    b.WriteBytes(pdv.Data.Span);
                }

                break;
            case ReleaseRequestPdu or ReleaseResponsePdu:
                b.WriteUInt32(0);
                break;
            case AbortPdu ab:
                b.WriteByte(0);
                b.WriteByte(0);
                b.WriteByte((byte)ab.Source);
                b.WriteByte((byte)ab.Reason);
                break;
            default:
                throw new ArgumentException($"Unsupported PDU {pdu.GetType().Name}.", nameof(pdu));
        }

        b.PatchUInt32(2, (uint)(b.Length - HeaderLength));
        return b.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Validates a PDU header (type and length field) against <paramref name="limits"/>; throws
    /// <see cref="PduFormatException"/> with <see cref="PduFormatException.FramingLost"/> set when it is unacceptable.
    /// </summary>
    public static void ValidateHeader(byte type, uint length, PduLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var max = limits.MaxLengthFor(type);
        if (max == 0)
        {
            throw new PduFormatException($"Unrecognized PDU type 0x{type:X2}.", AbortReason.UnrecognizedPdu, framingLost: true);
        }

        if (max == 4 && length != 4)
        {
            throw new PduFormatException($"PDU type 0x{type:X2} must have length 4, not {length}.", AbortReason.InvalidPduParameterValue, framingLost: true);
        }

        if (length > max)
        {
            throw new PduFormatException($"PDU type 0x{type:X2} of length {length} exceeds the limit {max}.", AbortReason.InvalidPduParameterValue, framingLost: true);
        }
    }

    /// <summary>Decodes one complete PDU (header included); the span must hold exactly that PDU.</summary>
    public static Pdu Decode(ReadOnlySpan<byte> pdu, PduLimits limits)
    {
        if (pdu.Length < HeaderLength)
        {
            throw new PduFormatException($"A PDU needs at least {HeaderLength} bytes, got {pdu.Length}.", AbortReason.InvalidPduParameterValue, framingLost: true);
        }

        var type = pdu[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(pdu[2..]);
        ValidateHeader(type, length, limits);
        if ((ulong)pdu.Length - HeaderLength != length)
        {
            throw new PduFormatException($"PDU length field {length} does not match the {pdu.Length - HeaderLength} body byte(s).", AbortReason.InvalidPduParameterValue, framingLost: true);
        }

        return DecodeBody(type, pdu[HeaderLength..]);
    }

    /// <summary>Decodes one complete PDU held in a (possibly multi-segment) sequence.</summary>
    public static Pdu Decode(ReadOnlySequence<byte> pdu, PduLimits limits)
    {
        if (pdu.IsSingleSegment)
        {
            return Decode(pdu.FirstSpan, limits);
        }

        ArgumentNullException.ThrowIfNull(limits);
        if (pdu.Length < HeaderLength)
        {
            throw new PduFormatException("Truncated PDU header.", AbortReason.InvalidPduParameterValue, framingLost: true);
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        pdu.Slice(0, HeaderLength).CopyTo(header);
        ValidateHeader(header[0], BinaryPrimitives.ReadUInt32BigEndian(header[2..]), limits);
        var rented = ArrayPool<byte>.Shared.Rent((int)pdu.Length);
        try
        {
            pdu.CopyTo(rented);
            return Decode(rented.AsSpan(0, (int)pdu.Length), limits);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Decodes a PDU body (the bytes after the 6-byte header). Decoded values never alias <paramref name="body"/>.</summary>
    public static Pdu DecodeBody(byte type, ReadOnlySpan<byte> body)
    {
        var r = new SpanReader(body, $"PDU 0x{type:X2}");
        switch ((PduType)type)
        {
            case PduType.AssociateRequest:
                return DecodeAssociate(ref r, request: true);
            case PduType.AssociateAccept:
                return DecodeAssociate(ref r, request: false);
            case PduType.AssociateReject:
                {
                    ExpectLength(body, 4, "A-ASSOCIATE-RJ");
                    r.Skip(1);
                    var result = r.ReadByte();
                    var source = r.ReadByte();
                    var reason = r.ReadByte();
                    if (result is not (1 or 2) || source is < 1 or > 3)
                    {
                        throw Invalid($"A-ASSOCIATE-RJ result {result} / source {source} is not defined.");
                    }

                    return new AssociateRejectPdu((AssociateRejectResult)result, (AssociateRejectSource)source, reason);
                }

            case PduType.PData:
                return PDataFraming.Decode(body, borrowed: null);
            case PduType.ReleaseRequest:
                ExpectLength(body, 4, "A-RELEASE-RQ");
                return new ReleaseRequestPdu();
            case PduType.ReleaseResponse:
                ExpectLength(body, 4, "A-RELEASE-RP");
                return new ReleaseResponsePdu();
            case PduType.Abort:
                {
                    ExpectLength(body, 4, "A-ABORT");
                    r.Skip(2);
                    var source = r.ReadByte();
                    var reason = r.ReadByte();
                    if (source > 2 || reason > 6)
                    {
                        throw Invalid($"A-ABORT source {source} / reason {reason} is not defined.");
                    }

                    return new AbortPdu((AbortSource)source, (AbortReason)reason);
                }

            default:
                throw new PduFormatException($"Unrecognized PDU type 0x{type:X2}.", AbortReason.UnrecognizedPdu, framingLost: false);
        }
    }

    private static string PadOrDefault(string value) => string.IsNullOrWhiteSpace(value) ? "ANY" : value;

    internal static void ExpectLength(ReadOnlySpan<byte> body, int expected, string what)
    {
        if (body.Length != expected)
        {
            throw Invalid($"{what} must have a body of {expected} bytes, not {body.Length}.");
        }
    }

    internal static PduFormatException Invalid(string message) =>
        new(message, AbortReason.InvalidPduParameterValue, framingLost: false);

    private static void WriteAssociateHeader(ByteBuilder b, ushort version, string called, string calling, string applicationContext)
    {
        b.WriteUInt16(version);
        b.WriteUInt16(0);
        AeTitle.Write(b, called);
        AeTitle.Write(b, calling);
        b.WriteZeros(32);
        var start = BeginItem(b, ApplicationContextItem);
        UidRules.Write(b, applicationContext, "application context name");
        EndItem(b, start);
    }

    internal static int BeginItem(ByteBuilder b, byte type)
    {
        b.WriteByte(type);
        b.WriteByte(0);
        var lengthPosition = b.Length;
        b.WriteUInt16(0);
        return lengthPosition;
    }

    internal static void EndItem(ByteBuilder b, int lengthPosition) => b.PatchUInt16(lengthPosition, b.Length - lengthPosition - 2);

    internal static void WriteUidItem(ByteBuilder b, byte type, string uid, string what)
    {
        var start = BeginItem(b, type);
        UidRules.Write(b, uid, what);
        EndItem(b, start);
    }

    private static void WriteProposal(ByteBuilder b, PresentationContextProposal pc)
    {
        if (pc.TransferSyntaxes.Count == 0)
        {
            throw new ArgumentException($"Presentation context {pc.Id} proposes no transfer syntax.", nameof(pc));
        }

        if ((pc.Id & 1) == 0)
        {
            throw new ArgumentException($"Presentation context ID {pc.Id} must be odd.", nameof(pc));
        }

        var start = BeginItem(b, PresentationContextRequestItem);
        b.WriteByte(pc.Id);
        b.WriteZeros(3);
        WriteUidItem(b, AbstractSyntaxItem, pc.AbstractSyntax, "abstract syntax");
        foreach (var ts in pc.TransferSyntaxes)
        {
            WriteUidItem(b, TransferSyntaxItem, ts, "transfer syntax");
        }

        EndItem(b, start);
    }

    private static void WriteResponse(ByteBuilder b, PresentationContextResponse pc)
    {
        var start = BeginItem(b, PresentationContextAcceptItem);
        b.WriteByte(pc.Id);
        b.WriteByte(0);
        b.WriteByte((byte)pc.Result);
        b.WriteByte(0);
        var ts = BeginItem(b, TransferSyntaxItem);
        if (pc.Result == PresentationContextResult.Acceptance || !string.IsNullOrEmpty(pc.TransferSyntax))
        {
            UidRules.Write(b, pc.TransferSyntax, "transfer syntax");
        }

        EndItem(b, ts);
        EndItem(b, start);
    }

    private static Pdu DecodeAssociate(ref SpanReader r, bool request)
    {
        var what = request ? "A-ASSOCIATE-RQ" : "A-ASSOCIATE-AC";
        var version = r.ReadUInt16();
        r.Skip(2);
        var called = AeTitle.Read(r.ReadBytes(16), $"{what} called AE title", strict: request);
        var calling = AeTitle.Read(r.ReadBytes(16), $"{what} calling AE title", strict: request);
        r.Skip(32);

        string? applicationContext = null;
        var proposals = new List<PresentationContextProposal>();
        var responses = new List<PresentationContextResponse>();
        UserInformation? userInformation = null;
        var ids = new HashSet<byte>();
        while (r.Remaining > 0)
        {
            var itemType = r.ReadByte();
            r.Skip(1);
            var itemLength = r.ReadUInt16();
            var item = r.ReadBytes(itemLength);
            switch (itemType)
            {
                case ApplicationContextItem when applicationContext is null:
                    applicationContext = UidRules.Read(item, "application context name");
                    break;
                case PresentationContextRequestItem when request:
                    {
                        var pc = DecodeProposal(item);
                        if (!ids.Add(pc.Id))
                        {
                            throw Invalid($"Presentation context ID {pc.Id} is proposed twice.");
                        }

                        proposals.Add(pc);
                        break;
                    }

                case PresentationContextAcceptItem when !request:
                    {
                        var pc = DecodeResponse(item);
                        if (!ids.Add(pc.Id))
                        {
                            throw Invalid($"Presentation context ID {pc.Id} is answered twice.");
                        }

                        responses.Add(pc);
                        break;
                    }

                case UserInformationItem when userInformation is null:
                    userInformation = UserInformationCodec.Decode(item);
                    break;
                default:
                    throw new PduFormatException($"{what}: unexpected item type 0x{itemType:X2}.", AbortReason.UnexpectedPduParameter, framingLost: false);
            }
        }

        if (applicationContext is null)
        {
            throw new PduFormatException($"{what} has no application context item.", AbortReason.InvalidPduParameterValue, framingLost: false);
        }

        if (request)
        {
            return new AssociateRequestPdu
            {
                ProtocolVersion = version,
                CalledAeTitle = called,
                CallingAeTitle = calling,
                ApplicationContextName = applicationContext,
                PresentationContexts = proposals,
                UserInformation = userInformation ?? new UserInformation(),
            };
        }

        return new AssociateAcceptPdu
        {
            ProtocolVersion = version,
            CalledAeTitle = called,
            CallingAeTitle = calling,
            ApplicationContextName = applicationContext,
            PresentationContexts = responses,
            UserInformation = userInformation ?? new UserInformation(),
        };
    }

    private static PresentationContextProposal DecodeProposal(ReadOnlySpan<byte> item)
    {
        var r = new SpanReader(item, "presentation context (RQ)");
        var id = r.ReadByte();
        r.Skip(3);
        if ((id & 1) == 0)
        {
            throw Invalid($"Presentation context ID {id} is not odd.");
        }

        string? abstractSyntax = null;
        var transferSyntaxes = new List<string>();
        while (r.Remaining > 0)
        {
            var type = r.ReadByte();
            r.Skip(1);
            var length = r.ReadUInt16();
            var value = r.ReadBytes(length);
            switch (type)
            {
                case AbstractSyntaxItem when abstractSyntax is null:
                    abstractSyntax = UidRules.Read(value, "abstract syntax");
                    break;
                case TransferSyntaxItem:
                    transferSyntaxes.Add(UidRules.Read(value, "transfer syntax"));
                    break;
                default:
                    throw new PduFormatException($"Presentation context {id}: unexpected sub-item 0x{type:X2}.", AbortReason.UnexpectedPduParameter, framingLost: false);
            }
        }

        if (abstractSyntax is null || transferSyntaxes.Count == 0)
        {
            throw Invalid($"Presentation context {id} lacks an abstract syntax or transfer syntax.");
        }

        return new PresentationContextProposal(id, abstractSyntax, transferSyntaxes);
    }

    private static PresentationContextResponse DecodeResponse(ReadOnlySpan<byte> item)
    {
        var r = new SpanReader(item, "presentation context (AC)");
        var id = r.ReadByte();
        r.Skip(1);
        var result = r.ReadByte();
        r.Skip(1);
        if (result > 4)
        {
            throw Invalid($"Presentation context {id}: result {result} is not defined.");
        }

        var transferSyntax = string.Empty;
        var seen = false;
        while (r.Remaining > 0)
        {
            var type = r.ReadByte();
            r.Skip(1);
            var length = r.ReadUInt16();
            var value = r.ReadBytes(length);
            if (type != TransferSyntaxItem || seen)
            {
                throw new PduFormatException($"Presentation context {id}: unexpected sub-item 0x{type:X2}.", AbortReason.UnexpectedPduParameter, framingLost: false);
            }

            seen = true;
            if (result == 0)
            {
                transferSyntax = UidRules.Read(value, "transfer syntax");
            }
        }

        if (result == 0 && transferSyntax.Length == 0)
        {
            throw Invalid($"Accepted presentation context {id} has no transfer syntax.");
        }

        return new PresentationContextResponse(id, (PresentationContextResult)result, transferSyntax);
    }
}
