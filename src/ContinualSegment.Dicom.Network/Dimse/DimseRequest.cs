using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>A DIMSE-C request: message ID and affected SOP class.</summary>
public abstract record DimseRequest : DimseMessage
{
    /// <summary>Message ID (0000,0110).</summary>
    public required ushort MessageId { get; init; }

    /// <summary>Affected SOP Class UID (0000,0002).</summary>
    public required string AffectedSopClassUid { get; init; }

    internal override void WriteTo(DimseCommandSet command)
    {
        command.SetUid(DimseCommandSet.AffectedSopClassUid, AffectedSopClassUid);
        command.SetUInt16(DimseCommandSet.CommandField, (ushort)CommandField);
        command.SetUInt16(DimseCommandSet.MessageId, MessageId);
        command.SetUInt16(DimseCommandSet.CommandDataSetType, HasDataSet ? (ushort)0x0000 : DimseCommandSet.NoDataSet);
    }
}
