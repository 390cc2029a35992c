using System.Net;

namespace ContinualSegment.Dicom.Network;

/// <summary>An association request as seen by the acceptor policy.</summary>
public sealed record AssociationRequestContext(AssociateRequestPdu Request, IPEndPoint? RemoteEndPoint);
