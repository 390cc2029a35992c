using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>C-FIND-RSP; a pending response carries one matching identifier.</summary>
public sealed record CFindResponse : DimseResponse
{
    /// <inheritdoc />
    public override DimseCommandField CommandField => DimseCommandField.CFindResponse;
}
