namespace ContinualSegment.Node.Hosting;

/// <summary>The <c>Dicom</c> section: the node's DICOM listener and who may use it.</summary>
public sealed class DicomListenerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Dicom";

    /// <summary>The node's AE title (called AE title that is accepted).</summary>
    public string AeTitle { get; set; } = "CSEG";

    /// <summary>Further AE titles the node answers to.</summary>
    public IList<string> OtherAeTitles { get; } = [];

    /// <summary>TCP port of the listener (0: any free port, reported in the log).</summary>
    public int Port { get; set; } = 11112;

    /// <summary>The address to listen on (default all).</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>The most associations at once; more are rejected (transient).</summary>
    public int MaxAssociations { get; set; } = 16;

    /// <summary>Who may send; empty: anyone. Each entry: an AE title and, optionally, the address it must come from.</summary>
    public IList<AllowedCaller> AllowedCallers { get; } = [];

    /// <summary>DICOM TLS on the listener (certificate and key in PEM files).</summary>
    public ListenerTlsOptions Tls { get; set; } = new();
}
