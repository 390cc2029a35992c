namespace ContinualSegment.Dicom.Network;

/// <summary>C-ECHO-RSP.</summary>
public sealed record CEchoResponse : DimseResponse
{
    /// <inheritdoc />
    public override DimseCommandField CommandField => DimseCommandField.CEchoResponse;
}
