using System.Net;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Tls;
using Microsoft.Extensions.Logging;

namespace ContinualSegment.Dicom.Network.Server;

/// <summary>Log messages of the association server (event ids 2100–2199; the blocks are listed in Association/Log.cs).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Listening on port {Port} (DICOM TLS: {Tls})")]
    public static partial void Listening(ILogger logger, int port, bool tls);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Refused a connection from {Peer}: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, IPEndPoint? peer, string reason);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Connection-refused observer failed")]
    public static partial void RefusalObserverFailed(ILogger logger, Exception exception);
}
