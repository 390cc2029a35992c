using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>C-ECHO-RSP.</summary>
public sealed record CEchoResponse : DimseResponse
{
    /// <inheritdoc />
    public override DimseCommandField CommandField => DimseCommandField.CEchoResponse;
}
