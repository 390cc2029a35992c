namespace ContinualSegment.Node.Hosting;

/// <summary>The <c>Dicom:Tls</c> section.</summary>
public sealed class ListenerTlsOptions
{
    /// <summary>Listen with DICOM TLS instead of plain TCP.</summary>
    public bool Enabled { get; set; }

    /// <summary>The server certificate (PEM).</summary>
    public string CertificateFile { get; set; } = string.Empty;

    /// <summary>Its private key (PEM).</summary>
    public string KeyFile { get; set; } = string.Empty;

    /// <summary>The CA that client certificates must chain to (PEM); empty: the system's.</summary>
    public string CaFile { get; set; } = string.Empty;

    /// <summary>Refuse clients without a certificate.</summary>
    public bool RequireClientCertificate { get; set; }
}
