using System.Net;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.StateMachine;
using ContinualSegment.Dicom.Network.Tls;
using Microsoft.Extensions.Logging;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>
/// Log messages of the upper layer. Event ids of ContinualSegment.Dicom.Network (2000–2999), 100 per folder:
/// Association 2000, Server 2100, Dimse 2200, Tls 2300, Storage 2400.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Association {CallingAeTitle} -> {CalledAeTitle} ({Peer}) accepted: {AcceptedContexts} of {ProposedContexts} presentation contexts")]
    public static partial void AssociationAccepted(ILogger logger, string callingAeTitle, string calledAeTitle, IPEndPoint? peer, int acceptedContexts, int proposedContexts);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Association {CallingAeTitle} -> {CalledAeTitle} ({Peer}) {Rejection}")]
    public static partial void AssociationRejected(ILogger logger, string callingAeTitle, string calledAeTitle, IPEndPoint? peer, string rejection);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Association {CallingAeTitle} -> {CalledAeTitle} ({Peer}) released: {PdusReceived} PDUs ({BytesReceived} bytes) received, {PdusSent} PDUs ({BytesSent} bytes) sent")]
    public static partial void AssociationReleased(ILogger logger, string callingAeTitle, string calledAeTitle, IPEndPoint? peer, long pdusReceived, long bytesReceived, long pdusSent, long bytesSent);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Association {CallingAeTitle} -> {CalledAeTitle} ({Peer}) aborted ({Reason}, peer abort: {ReceivedAbort}): {PdusReceived} PDUs received, {PdusSent} PDUs sent")]
    public static partial void AssociationAborted(ILogger logger, string callingAeTitle, string calledAeTitle, IPEndPoint? peer, AssociationEndReason reason, string receivedAbort, long pdusReceived, long pdusSent);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Association observer failed")]
    public static partial void ObserverFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Action {Action} on {Event} in {State} went to {Next}, which PS3.8 does not allow")]
    public static partial void WrongTransition(ILogger logger, UpperLayerAction action, UpperLayerEvent @event, AssociationState state, AssociationState next);
}
