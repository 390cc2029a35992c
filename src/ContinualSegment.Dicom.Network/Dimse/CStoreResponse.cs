using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>C-STORE-RSP.</summary>
public sealed record CStoreResponse : DimseResponse
{
    /// <inheritdoc />
    public override DimseCommandField CommandField => DimseCommandField.CStoreResponse;

    /// <summary>Affected SOP Instance UID (0000,1000), when present.</summary>
    public string? AffectedSopInstanceUid { get; init; }

    internal override void WriteTo(DimseCommandSet command)
    {
        base.WriteTo(command);
        if (AffectedSopInstanceUid is not null)
        {
            command.SetUid(DimseCommandSet.AffectedSopInstanceUid, AffectedSopInstanceUid);
        }
    }
}
