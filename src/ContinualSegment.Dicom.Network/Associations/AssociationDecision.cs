using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>
/// The acceptor's answer to an association request: an A-ASSOCIATE-AC or an A-ASSOCIATE-RJ. The upper layer
/// fills in the AE title echo, our maximum length and implementation identification of an accept.
/// </summary>
public sealed class AssociationDecision
{
    private AssociationDecision(AssociateAcceptPdu? accept, AssociateRejectPdu? reject)
    {
        Accept = accept;
        Reject = reject;
    }

    /// <summary>The accept, when accepted.</summary>
    public AssociateAcceptPdu? Accept { get; }

    /// <summary>The reject, when rejected.</summary>
    public AssociateRejectPdu? Reject { get; }

    /// <summary>Accepts with <paramref name="accept"/>.</summary>
    public static AssociationDecision Accepted(AssociateAcceptPdu accept)
    {
        ArgumentNullException.ThrowIfNull(accept);
        return new AssociationDecision(accept, null);
    }

    /// <summary>Rejects with <paramref name="reject"/>.</summary>
    public static AssociationDecision Rejected(AssociateRejectPdu reject)
    {
        ArgumentNullException.ThrowIfNull(reject);
        return new AssociationDecision(null, reject);
    }

    /// <summary>Rejects with the given result, source and reason.</summary>
    public static AssociationDecision Rejected(AssociateRejectResult result, AssociateRejectSource source, byte reason) =>
        new(null, new AssociateRejectPdu(result, source, reason));
}
