using System.Net;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Dicom.Network.Server;

/// <summary>Settings of an <see cref="UpperLayerServer"/>.</summary>
public sealed record UpperLayerServerOptions
{
    /// <summary>Address to bind. Default: any IPv4 address.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>Port to bind; 0 picks a free port (see <see cref="UpperLayerServer.Port"/>).</summary>
    public int Port { get; init; }

    /// <summary>Most concurrent associations; further requests are rejected (transient, local limit exceeded). Default 32.</summary>
    public int MaxAssociations { get; init; } = 32;

    /// <summary>Connections over the limit that may wait for their rejection at the same time; beyond that they are closed at once. Default 16.</summary>
    public int MaxPendingRejections { get; init; } = 16;

    /// <summary>DICOM TLS: when set, every connection must complete a TLS handshake before its association starts.</summary>
    public DicomTlsOptions? Tls { get; init; }

    /// <summary>
    /// Per-association settings. Its <see cref="UpperLayerOptions.Observer"/> is also told of each connection refused
    /// before the acceptor policy sees it (<see cref="IAssociationObserver.OnConnectionRefused"/>): a TLS handshake that
    /// failed (untrusted, revoked or missing certificate, refused protocol version, not a TLS peer), or the association
    /// limit reached (the request is then rejected as transient, or the connection closed when too many are already
    /// waiting for that); and its <see cref="UpperLayerOptions.LoggerFactory"/> logs them.
    /// </summary>
    public UpperLayerOptions Association { get; init; } = new();

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(BindAddress);
        ArgumentNullException.ThrowIfNull(Association);
        ArgumentOutOfRangeException.ThrowIfNegative(Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAssociations, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxPendingRejections);
        Association.Validate();
        Tls?.Validate(requireCertificate: true);
    }
}
