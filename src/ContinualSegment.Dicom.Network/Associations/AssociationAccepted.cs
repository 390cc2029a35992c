using System.Net;
using ContinualSegment.Dicom.Network.Associations;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>An association was accepted.</summary>
/// <param name="IsRequestor">True on the requestor side.</param>
/// <param name="CallingAeTitle">The requestor's AE title.</param>
/// <param name="CalledAeTitle">The acceptor's AE title, as called.</param>
/// <param name="RemoteEndPoint">The peer's address.</param>
/// <param name="Traffic">PDU and byte counts so far.</param>
/// <param name="AcceptedContexts">Presentation contexts accepted.</param>
/// <param name="ProposedContexts">Presentation contexts proposed.</param>
public sealed record AssociationAccepted(bool IsRequestor, string CallingAeTitle, string CalledAeTitle, IPEndPoint? RemoteEndPoint, AssociationTraffic Traffic, int AcceptedContexts, int ProposedContexts)
    : AssociationEvent(IsRequestor, CallingAeTitle, CalledAeTitle, RemoteEndPoint, Traffic);
