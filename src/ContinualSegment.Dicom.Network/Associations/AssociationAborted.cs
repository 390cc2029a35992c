using System.Net;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>An association, or a connection before one was established, ended without a release.</summary>
/// <param name="IsRequestor">True on the requestor side.</param>
/// <param name="CallingAeTitle">The requestor's AE title (empty when no request was seen).</param>
/// <param name="CalledAeTitle">The acceptor's AE title, as called (empty when no request was seen).</param>
/// <param name="RemoteEndPoint">The peer's address.</param>
/// <param name="Traffic">PDU and byte counts.</param>
/// <param name="Reason">Who ended it: we (local abort), the peer (A-ABORT) or the provider (transport lost, timer, bad PDU).</param>
/// <param name="ReceivedAbort">The peer's A-ABORT (source and reason), when one came.</param>
public sealed record AssociationAborted(bool IsRequestor, string CallingAeTitle, string CalledAeTitle, IPEndPoint? RemoteEndPoint, AssociationTraffic Traffic, AssociationEndReason Reason, AbortPdu? ReceivedAbort)
    : AssociationEvent(IsRequestor, CallingAeTitle, CalledAeTitle, RemoteEndPoint, Traffic);
