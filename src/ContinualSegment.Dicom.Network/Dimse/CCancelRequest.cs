using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>C-CANCEL-RQ: cancels the C-FIND/C-MOVE with the given message ID.</summary>
public sealed record CCancelRequest : DimseMessage
{
    /// <inheritdoc />
    public override DimseCommandField CommandField => DimseCommandField.CCancelRequest;

    /// <inheritdoc />
    public override bool HasDataSet => false;

    /// <summary>Message ID Being Responded To (0000,0120): the operation to cancel.</summary>
    public required ushort MessageIdBeingRespondedTo { get; init; }

    internal override void WriteTo(DimseCommandSet command)
    {
        command.SetUInt16(DimseCommandSet.CommandField, (ushort)CommandField);
        command.SetUInt16(DimseCommandSet.MessageIdBeingRespondedTo, MessageIdBeingRespondedTo);
        command.SetUInt16(DimseCommandSet.CommandDataSetType, DimseCommandSet.NoDataSet);
    }
}
