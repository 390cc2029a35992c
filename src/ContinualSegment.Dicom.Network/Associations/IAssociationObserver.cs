using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Server;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>
/// Told how associations go, on the service-provider side (<see cref="UpperLayerServer"/>, <see cref="DimseServer"/>) and
/// the service-user side (<see cref="DicomClient"/>, <see cref="Association.ConnectAsync(string, int, AssociateRequestPdu, IAssociationHandler, UpperLayerOptions?, CancellationToken)"/>):
/// each association is reported accepted at most once and then ends exactly once, rejected, released or aborted.
/// Set through <see cref="UpperLayerOptions.Observer"/>. Calls come on the association's own threads, outside its
/// lock; they should return quickly, and an exception they throw is ignored.
/// </summary>
public interface IAssociationObserver
{
    /// <summary>The association was accepted (A-ASSOCIATE-AC sent or received).</summary>
    void OnAccepted(AssociationAccepted accepted);

    /// <summary>The association request was rejected (A-ASSOCIATE-RJ sent or received).</summary>
    void OnRejected(AssociationRejected rejected);

    /// <summary>The association was released in order.</summary>
    void OnReleased(AssociationReleased released);

    /// <summary>The association (or the connection before it) ended by an abort, a lost transport or a timer.</summary>
    void OnAborted(AssociationAborted aborted);

    /// <summary>A server refused a connection before its acceptor policy saw it (failed TLS handshake, association limit).</summary>
    void OnConnectionRefused(ConnectionRefusal refusal);
}
