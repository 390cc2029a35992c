using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>Encodes and decodes DIMSE-C command sets (Implicit VR Little Endian, with the group length).</summary>
public static class DimseMessageCodec
{
    /// <summary>The command set of <paramref name="message"/>.</summary>
    public static byte[] Encode(DimseMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var command = new DimseCommandSet();
        message.WriteTo(command);
        return command.Encode();
    }

    /// <summary>Decodes a command set; throws <see cref="DimseProtocolException"/> when it is malformed or unsupported.</summary>
    public static DimseMessage Decode(ReadOnlySpan<byte> commandSet)
    {
        var c = DimseCommandSet.Decode(commandSet);
        var field = (DimseCommandField)c.RequireUInt16(DimseCommandSet.CommandField);
        var dataSetType = c.RequireUInt16(DimseCommandSet.CommandDataSetType);
        var hasDataSet = dataSetType != DimseCommandSet.NoDataSet;
        return field switch
        {
            DimseCommandField.CEchoRequest => new CEchoRequest { MessageId = MessageId(c), AffectedSopClassUid = c.RequireUid(DimseCommandSet.AffectedSopClassUid) },
            DimseCommandField.CStoreRequest => new CStoreRequest
            {
                MessageId = MessageId(c),
                AffectedSopClassUid = c.RequireUid(DimseCommandSet.AffectedSopClassUid),
                AffectedSopInstanceUid = c.RequireUid(DimseCommandSet.AffectedSopInstanceUid),
                Priority = (DimsePriority)(c.GetUInt16(DimseCommandSet.Priority) ?? 0),
                MoveOriginatorAeTitle = NullIfEmpty(c.GetString(DimseCommandSet.MoveOriginatorAeTitle)),
                MoveOriginatorMessageId = c.GetUInt16(DimseCommandSet.MoveOriginatorMessageId),
            },
            DimseCommandField.CFindRequest => new CFindRequest
            {
                MessageId = MessageId(c),
                AffectedSopClassUid = c.RequireUid(DimseCommandSet.AffectedSopClassUid),
                Priority = (DimsePriority)(c.GetUInt16(DimseCommandSet.Priority) ?? 0),
            },
            DimseCommandField.CMoveRequest => new CMoveRequest
            {
                MessageId = MessageId(c),
                AffectedSopClassUid = c.RequireUid(DimseCommandSet.AffectedSopClassUid),
                Priority = (DimsePriority)(c.GetUInt16(DimseCommandSet.Priority) ?? 0),
                MoveDestination = c.GetString(DimseCommandSet.MoveDestination) ?? throw new DimseProtocolException("C-MOVE-RQ without Move Destination."),
            },
            DimseCommandField.CCancelRequest => new CCancelRequest { MessageIdBeingRespondedTo = c.RequireUInt16(DimseCommandSet.MessageIdBeingRespondedTo) },
            DimseCommandField.CEchoResponse => new CEchoResponse
            {
                MessageIdBeingRespondedTo = RespondingTo(c),
                AffectedSopClassUid = c.GetUid(DimseCommandSet.AffectedSopClassUid),
                Status = Status(c),
                ErrorComment = c.GetString(DimseCommandSet.ErrorComment),
                DataSetPresent = hasDataSet,
            },
            DimseCommandField.CStoreResponse => new CStoreResponse
            {
                MessageIdBeingRespondedTo = RespondingTo(c),
                AffectedSopClassUid = c.GetUid(DimseCommandSet.AffectedSopClassUid),
                AffectedSopInstanceUid = c.GetUid(DimseCommandSet.AffectedSopInstanceUid),
                Status = Status(c),
                ErrorComment = c.GetString(DimseCommandSet.ErrorComment),
                DataSetPresent = hasDataSet,
            },
            DimseCommandField.CFindResponse => new CFindResponse
            {
                MessageIdBeingRespondedTo = RespondingTo(c),
                AffectedSopClassUid = c.GetUid(DimseCommandSet.AffectedSopClassUid),
                Status = Status(c),
                ErrorComment = c.GetString(DimseCommandSet.ErrorComment),
                DataSetPresent = hasDataSet,
            },
            DimseCommandField.CMoveResponse => new CMoveResponse
            {
                MessageIdBeingRespondedTo = RespondingTo(c),
                AffectedSopClassUid = c.GetUid(DimseCommandSet.AffectedSopClassUid),
                Status = Status(c),
                ErrorComment = c.GetString(DimseCommandSet.ErrorComment),
                DataSetPresent = hasDataSet,
                Remaining = c.GetUInt16(DimseCommandSet.RemainingSubOperations),
                Completed = c.GetUInt16(DimseCommandSet.CompletedSubOperations),
                Failed = c.GetUInt16(DimseCommandSet.FailedSubOperations),
                Warning = c.GetUInt16(DimseCommandSet.WarningSubOperations),
            },
            _ => throw new DimseProtocolException($"Unsupported command field {(ushort)field:X4}H."),
        };
    }

    /// <summary>Reads only the command field, message ID and data set flag (for answering unsupported requests).</summary>
    internal static (ushort CommandField, ushort? MessageId, bool HasDataSet) Peek(ReadOnlySpan<byte> commandSet)
    {
        var c = DimseCommandSet.Decode(commandSet);
        return (c.RequireUInt16(DimseCommandSet.CommandField), c.GetUInt16(DimseCommandSet.MessageId), c.RequireUInt16(DimseCommandSet.CommandDataSetType) != DimseCommandSet.NoDataSet);
    }

    private static ushort MessageId(DimseCommandSet c) => c.RequireUInt16(DimseCommandSet.MessageId);

    private static ushort RespondingTo(DimseCommandSet c) => c.RequireUInt16(DimseCommandSet.MessageIdBeingRespondedTo);

    private static DimseStatus Status(DimseCommandSet c) => new(c.RequireUInt16(DimseCommandSet.Status));

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
