using System.Net;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Tls;
using Microsoft.Extensions.Logging;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>Log messages of the DIMSE service provider (event ids 2200–2299; the blocks are listed in Association/Log.cs).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2200, Level = LogLevel.Warning, Message = "C-STORE of {SopInstanceUid} from {CallingAeTitle} ({Peer}) answered {Status}: the store handler failed")]
    public static partial void StoreHandlerFailed(ILogger logger, string sopInstanceUid, string callingAeTitle, IPEndPoint? peer, DimseStatus status, Exception exception);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "C-STORE of {SopInstanceUid} from {CallingAeTitle} ({Peer}) answered {Status} while receiving its data set: {Reason}")]
    public static partial void StoreDataSetRefused(ILogger logger, string sopInstanceUid, string callingAeTitle, IPEndPoint? peer, DimseStatus status, string reason);
}
