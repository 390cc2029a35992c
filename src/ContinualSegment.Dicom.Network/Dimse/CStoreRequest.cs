using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>C-STORE-RQ; the data set (the instance) follows the command.</summary>
public sealed record CStoreRequest : DimseRequest
{
    /// <inheritdoc />
    public override DimseCommandField CommandField => DimseCommandField.CStoreRequest;

    /// <inheritdoc />
    public override bool HasDataSet => true;

    /// <summary>Affected SOP Instance UID (0000,1000).</summary>
    public required string AffectedSopInstanceUid { get; init; }

    /// <summary>Priority (0000,0700).</summary>
    public DimsePriority Priority { get; init; }

    /// <summary>Move Originator Application Entity Title (0000,1030), for sub-operations of a C-MOVE.</summary>
    public string? MoveOriginatorAeTitle { get; init; }

    /// <summary>Move Originator Message ID (0000,1031), for sub-operations of a C-MOVE.</summary>
    public ushort? MoveOriginatorMessageId { get; init; }

    internal override void WriteTo(DimseCommandSet command)
    {
        base.WriteTo(command);
        command.SetUInt16(DimseCommandSet.Priority, (ushort)Priority);
        command.SetUid(DimseCommandSet.AffectedSopInstanceUid, AffectedSopInstanceUid);
        if (MoveOriginatorAeTitle is not null)
        {
            command.SetAeTitle(DimseCommandSet.MoveOriginatorAeTitle, MoveOriginatorAeTitle);
        }

        if (MoveOriginatorMessageId is { } id)
        {
            command.SetUInt16(DimseCommandSet.MoveOriginatorMessageId, id);
        }
    }
}
