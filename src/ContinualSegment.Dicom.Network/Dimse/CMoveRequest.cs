using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>C-MOVE-RQ; the identifier follows the command.</summary>
public sealed record CMoveRequest : DimseRequest
{
    /// <inheritdoc />
    public override DimseCommandField CommandField => DimseCommandField.CMoveRequest;

    /// <inheritdoc />
    public override bool HasDataSet => true;

    /// <summary>Priority (0000,0700).</summary>
    public DimsePriority Priority { get; init; }

    /// <summary>Move Destination (0000,0600): the AE title that receives the C-STORE sub-operations.</summary>
    public required string MoveDestination { get; init; }

    internal override void WriteTo(DimseCommandSet command)
    {
        base.WriteTo(command);
        command.SetUInt16(DimseCommandSet.Priority, (ushort)Priority);
        command.SetAeTitle(DimseCommandSet.MoveDestination, MoveDestination);
    }
}
