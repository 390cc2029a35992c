using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>C-ECHO-RQ.</summary>
public sealed record CEchoRequest : DimseRequest
{
    /// <inheritdoc />
    public override DimseCommandField CommandField => DimseCommandField.CEchoRequest;

    /// <inheritdoc />
    public override bool HasDataSet => false;
}
