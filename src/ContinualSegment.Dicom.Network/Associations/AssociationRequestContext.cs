using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>An association request as seen by the acceptor policy.</summary>
public sealed record AssociationRequestContext(AssociateRequestPdu Request, IPEndPoint? RemoteEndPoint)
{
    /// <summary>The verified certificate the peer presented over DICOM TLS, if any.</summary>
    public X509Certificate2? PeerCertificate { get; init; }

    /// <summary>The negotiated TLS version, or null on a plain TCP connection.</summary>
    public SslProtocols? TlsProtocol { get; init; }
}
