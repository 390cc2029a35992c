using System.Net;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>An association request was rejected.</summary>
/// <param name="IsRequestor">True on the requestor side (the peer rejected us).</param>
/// <param name="CallingAeTitle">The requestor's AE title.</param>
/// <param name="CalledAeTitle">The acceptor's AE title, as called.</param>
/// <param name="RemoteEndPoint">The peer's address.</param>
/// <param name="Traffic">PDU and byte counts.</param>
/// <param name="Rejection">The A-ASSOCIATE-RJ: result, source and reason (<see cref="AssociateRejectPdu.Describe"/> words it).</param>
public sealed record AssociationRejected(bool IsRequestor, string CallingAeTitle, string CalledAeTitle, IPEndPoint? RemoteEndPoint, AssociationTraffic Traffic, AssociateRejectPdu Rejection)
    : AssociationEvent(IsRequestor, CallingAeTitle, CalledAeTitle, RemoteEndPoint, Traffic);
