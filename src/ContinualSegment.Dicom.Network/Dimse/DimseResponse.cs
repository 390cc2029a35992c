using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>A DIMSE-C response: the request's message ID, status and optional error comment.</summary>
public abstract record DimseResponse : DimseMessage
{
    /// <summary>Message ID Being Responded To (0000,0120).</summary>
    public required ushort MessageIdBeingRespondedTo { get; init; }

    /// <summary>Affected SOP Class UID (0000,0002), when present.</summary>
    public string? AffectedSopClassUid { get; init; }

    /// <summary>Status (0000,0900).</summary>
    public required DimseStatus Status { get; init; }

    /// <summary>Error Comment (0000,0902), when present.</summary>
    public string? ErrorComment { get; init; }

    /// <summary>True when a data set follows (set for pending C-FIND responses and C-MOVE failure lists).</summary>
    public bool DataSetPresent { get; init; }

    /// <inheritdoc />
    public override bool HasDataSet => DataSetPresent;

    internal override void WriteTo(DimseCommandSet command)
    {
        if (AffectedSopClassUid is not null)
        {
            command.SetUid(DimseCommandSet.AffectedSopClassUid, AffectedSopClassUid);
        }

        command.SetUInt16(DimseCommandSet.CommandField, (ushort)CommandField);
        command.SetUInt16(DimseCommandSet.MessageIdBeingRespondedTo, MessageIdBeingRespondedTo);
        command.SetUInt16(DimseCommandSet.CommandDataSetType, HasDataSet ? (ushort)0x0000 : DimseCommandSet.NoDataSet);
        command.SetUInt16(DimseCommandSet.Status, Status.Code);
        if (!string.IsNullOrEmpty(ErrorComment))
        {
            command.SetText(DimseCommandSet.ErrorComment, ErrorComment);
        }
    }
}
