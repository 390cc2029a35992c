using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Node.Export;

/// <summary>
/// The <c>Destinations:NAME:Tls</c> section: send results to that destination with DICOM TLS. PEM files, as the
/// listener's <c>Dicom:Tls</c>; the client certificate is optional (give it when the destination requires one).
/// </summary>
public sealed class DestinationTlsOptions
{
    /// <summary>Connect with DICOM TLS instead of plain TCP.</summary>
    public bool Enabled { get; set; }

    /// <summary>The CA (PEM) the destination's certificate must chain to; empty: the system's trusted roots.</summary>
    public string CaFile { get; set; } = string.Empty;

    /// <summary>Our client certificate (PEM), optionally followed by its intermediates; empty: none is presented.</summary>
    public string CertificateFile { get; set; } = string.Empty;

    /// <summary>The client certificate's private key (PEM); empty: the key is in <see cref="CertificateFile"/>.</summary>
    public string KeyFile { get; set; } = string.Empty;

    /// <summary>The name the destination's certificate must carry; empty: the destination's host.</summary>
    public string ServerName { get; set; } = string.Empty;

    /// <summary>The networking library's client settings, or null when TLS is off.</summary>
    public DicomTlsOptions? ToClientOptions() => Enabled
        ? new DicomTlsOptions
        {
            TrustedCaFile = NullIfEmpty(CaFile),
            CertificateFile = NullIfEmpty(CertificateFile),
            PrivateKeyFile = NullIfEmpty(KeyFile),
            ServerName = NullIfEmpty(ServerName),
        }
        : null;

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
