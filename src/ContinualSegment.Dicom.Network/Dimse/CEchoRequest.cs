namespace ContinualSegment.Dicom.Network;

/// <summary>C-ECHO-RQ.</summary>
public sealed record CEchoRequest : DimseRequest
{
    /// <inheritdoc />
    public override DimseCommandField CommandField => DimseCommandField.CEchoRequest;

    /// <inheritdoc />
    public override bool HasDataSet => false;
}
