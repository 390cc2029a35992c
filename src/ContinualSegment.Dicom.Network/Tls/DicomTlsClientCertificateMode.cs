using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Dicom.Network.Tls;

/// <summary>Whether a TLS server asks the connecting peer for a certificate.</summary>
public enum DicomTlsClientCertificateMode
{
    /// <summary>No certificate is requested.</summary>
    None = 0,

    /// <summary>A certificate is requested and verified when presented; peers without one are accepted.</summary>
    Optional = 1,

    /// <summary>A verified certificate is required; peers without one are refused during the handshake.</summary>
    Required = 2,
}
