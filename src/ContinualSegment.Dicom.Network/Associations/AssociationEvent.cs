using System.Net;
using ContinualSegment.Dicom.Network.Associations;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>
/// What every association report carries: the side, the AE titles (empty when no request was seen), the peer and the
/// traffic so far.
/// </summary>
/// <param name="IsRequestor">True on the association-requestor (service-user) side.</param>
/// <param name="CallingAeTitle">The requestor's AE title.</param>
/// <param name="CalledAeTitle">The acceptor's AE title, as called.</param>
/// <param name="RemoteEndPoint">The peer's address, when known.</param>
/// <param name="Traffic">PDU and byte counts.</param>
public abstract record AssociationEvent(bool IsRequestor, string CallingAeTitle, string CalledAeTitle, IPEndPoint? RemoteEndPoint, AssociationTraffic Traffic);
