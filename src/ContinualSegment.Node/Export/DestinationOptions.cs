namespace ContinualSegment.Node.Export;

/// <summary>One destination (<c>Destinations:NAME</c>): the C-STORE SCP results are sent to.</summary>
public sealed class DestinationOptions
{
    /// <summary>The configuration section holding every destination by name.</summary>
    public const string SectionName = "Destinations";

    /// <summary>The destination's AE title.</summary>
    public string AeTitle { get; set; } = string.Empty;

    /// <summary>Host name or address.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>TCP port.</summary>
    public int Port { get; set; } = 104;

    /// <summary>DICOM TLS to this destination (<c>Destinations:NAME:Tls</c>).</summary>
    public DestinationTlsOptions Tls { get; set; } = new();
}
