using System.Net;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Tls;
using Microsoft.Extensions.Logging;

namespace ContinualSegment.Dicom.Network.Tls;

/// <summary>Log messages of DICOM TLS (event ids 2300–2399; the blocks are listed in Association/Log.cs).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2300, Level = LogLevel.Warning, Message = "TLS handshake as {Role} with {Peer} refused: it did not finish within {Timeout}")]
    public static partial void TlsHandshakeTimedOut(ILogger logger, string role, IPEndPoint? peer, TimeSpan timeout);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "TLS handshake as {Role} with {Peer} refused: the peer's certificate was refused: {Reason}")]
    public static partial void TlsPeerCertificateRefused(ILogger logger, string role, IPEndPoint? peer, string reason);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "TLS handshake as {Role} with {Peer} failed: {Reason}")]
    public static partial void TlsHandshakeFailed(ILogger logger, string role, IPEndPoint? peer, string reason);
}
