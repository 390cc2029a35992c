using System.Security.Cryptography.X509Certificates;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Dicom.Network.Tls;

/// <summary>
/// DICOM TLS settings of one side of a connection. Our certificate comes either from PEM files
/// (<see cref="CertificateFile"/> and <see cref="PrivateKeyFile"/>) or from the operating system's certificate store
/// (<see cref="StoreThumbprint"/> or <see cref="StoreSubject"/>). Peers are verified against the certificates in
/// <see cref="TrustedCaFile"/> when given, else against the system's trusted roots, and checked against the CRLs in
/// <see cref="CrlFiles"/> when given.
/// </summary>
public sealed record DicomTlsOptions
{
    /// <summary>The secure transport connection profile. Default: non-downgrading BCP 195.</summary>
    public DicomTlsProfile Profile { get; init; } = DicomTlsProfile.Bcp195NonDowngrading;

    /// <summary>PEM file with our certificate, optionally followed by its intermediate CA certificates.</summary>
    public string? CertificateFile { get; init; }

    /// <summary>PEM file with the private key of <see cref="CertificateFile"/>; null when the key is in that file.</summary>
    public string? PrivateKeyFile { get; init; }

    /// <summary>Password of an encrypted PEM private key, if any.</summary>
    public string? PrivateKeyPassword { get; init; }

    /// <summary>Thumbprint (SHA-1 hex) of our certificate in the OS store (<see cref="StoreLocation"/>, "My").</summary>
    public string? StoreThumbprint { get; init; }

    /// <summary>Subject (distinguished name, or a name it contains) of our certificate in the OS store.</summary>
    public string? StoreSubject { get; init; }

    /// <summary>The OS store searched for <see cref="StoreThumbprint"/> or <see cref="StoreSubject"/>. Default current user.</summary>
    public StoreLocation StoreLocation { get; init; } = StoreLocation.CurrentUser;

    /// <summary>PEM file of the CA certificates trusted to sign peer certificates; null trusts the system's roots.</summary>
    public string? TrustedCaFile { get; init; }

    /// <summary>
    /// CRL files (PEM "X509 CRL" or DER) from the CAs in <see cref="TrustedCaFile"/>. Each must be signed by one of those
    /// CAs. A peer certificate whose issuer has a CRL here is refused when the CRL lists its serial number, or when
    /// that CRL is past its next update. Empty: no revocation checking.
    /// </summary>
    public IReadOnlyList<string> CrlFiles { get; init; } = [];

    /// <summary>Server side: whether the connecting peer must present a certificate. Default optional.</summary>
    public DicomTlsClientCertificateMode ClientCertificates { get; init; } = DicomTlsClientCertificateMode.Optional;

    /// <summary>Client side: the name the server's certificate must carry; null uses the host connected to.</summary>
    public string? ServerName { get; init; }

    /// <summary>Longest time a TLS handshake may take. Default 30 s.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>True when our own certificate is configured (from files or the store).</summary>
    public bool HasCertificate => CertificateFile is not null || StoreThumbprint is not null || StoreSubject is not null;

    /// <summary>
    /// Throws when the settings contradict each other or name missing files. A server
    /// (<paramref name="requireCertificate"/>) must have a certificate; a client may go without one.
    /// </summary>
    public void Validate(bool requireCertificate)
    {
        if (!Enum.IsDefined(Profile))
        {
            throw new DicomTlsConfigurationException($"Unknown TLS profile {Profile}.");
        }

        if (!Enum.IsDefined(ClientCertificates))
        {
            throw new DicomTlsConfigurationException($"Unknown TLS client certificate mode {ClientCertificates}.");
        }

        var sources = (CertificateFile is null ? 0 : 1) + (StoreThumbprint is null ? 0 : 1) + (StoreSubject is null ? 0 : 1);
        if (sources > 1)
        {
            throw new DicomTlsConfigurationException("Give the TLS certificate either as a PEM file, or by store thumbprint, or by store subject, not several.");
        }

        if (sources == 0 && requireCertificate)
        {
            throw new DicomTlsConfigurationException("A TLS server needs a certificate: a PEM certificate file and key, or a store thumbprint or subject.");
        }

        if (PrivateKeyFile is not null && CertificateFile is null)
        {
            throw new DicomTlsConfigurationException("A TLS private key file was given without its certificate file.");
        }

        CheckFile(CertificateFile, "certificate");
        CheckFile(PrivateKeyFile, "private key");
        CheckFile(TrustedCaFile, "trusted CA");
        if (CrlFiles is null)
        {
            throw new DicomTlsConfigurationException("The TLS CRL file list is null.");
        }

        foreach (var crl in CrlFiles)
        {
            CheckFile(crl ?? string.Empty, "CRL");
        }

        if (CrlFiles.Count > 0 && TrustedCaFile is null)
        {
            throw new DicomTlsConfigurationException("TLS CRL files need a trusted CA file: each CRL must be signed by one of its CAs.");
        }

        if (StoreThumbprint is not null && (StoreThumbprint.Length != 40 || !StoreThumbprint.All(char.IsAsciiHexDigit)))
        {
            throw new DicomTlsConfigurationException($"The TLS certificate thumbprint '{StoreThumbprint}' is not 40 hexadecimal digits.");
        }

        if (StoreSubject is not null && string.IsNullOrWhiteSpace(StoreSubject))
        {
            throw new DicomTlsConfigurationException("The TLS certificate subject is blank.");
        }

        if (ServerName is not null && string.IsNullOrWhiteSpace(ServerName))
        {
            throw new DicomTlsConfigurationException("The TLS server name is blank.");
        }

        if (HandshakeTimeout <= TimeSpan.Zero || HandshakeTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new DicomTlsConfigurationException($"The TLS handshake timeout {HandshakeTimeout} must be positive.");
        }
    }

    private static void CheckFile(string? path, string what)
    {
        if (path is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            throw new DicomTlsConfigurationException($"The TLS {what} file name is blank.");
        }

        if (!File.Exists(path))
        {
            throw new DicomTlsConfigurationException($"TLS {what} file not found: {path}");
        }
    }
}
