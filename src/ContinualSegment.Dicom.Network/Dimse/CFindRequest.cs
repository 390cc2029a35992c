using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>C-FIND-RQ; the identifier (query keys) follows the command.</summary>
public sealed record CFindRequest : DimseRequest
{
    /// <inheritdoc />
    public override DimseCommandField CommandField => DimseCommandField.CFindRequest;

    /// <inheritdoc />
    public override bool HasDataSet => true;

    /// <summary>Priority (0000,0700).</summary>
    public DimsePriority Priority { get; init; }

    internal override void WriteTo(DimseCommandSet command)
    {
        base.WriteTo(command);
        command.SetUInt16(DimseCommandSet.Priority, (ushort)Priority);
    }
}
