using System.Net;
using ContinualSegment.Dicom.Network.Server;

namespace ContinualSegment.Dicom.Network.Server;

/// <summary>A connection the server refused before its acceptor policy saw it (a failed DICOM TLS handshake, the association limit).</summary>
/// <param name="RemoteEndPoint">The peer's address, when the socket still knew it.</param>
/// <param name="Reason">Why, in words an administrator can act on (the TLS library's message and its causes).</param>
public sealed record ConnectionRefusal(IPEndPoint? RemoteEndPoint, string Reason);
