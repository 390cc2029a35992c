using System.Net;
using ContinualSegment.Dicom.Network.Associations;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>An association was released in order.</summary>
/// <param name="IsRequestor">True on the requestor side.</param>
/// <param name="CallingAeTitle">The requestor's AE title.</param>
/// <param name="CalledAeTitle">The acceptor's AE title, as called.</param>
/// <param name="RemoteEndPoint">The peer's address.</param>
/// <param name="Traffic">PDU and byte counts of the whole association.</param>
public sealed record AssociationReleased(bool IsRequestor, string CallingAeTitle, string CalledAeTitle, IPEndPoint? RemoteEndPoint, AssociationTraffic Traffic)
    : AssociationEvent(IsRequestor, CallingAeTitle, CalledAeTitle, RemoteEndPoint, Traffic);
