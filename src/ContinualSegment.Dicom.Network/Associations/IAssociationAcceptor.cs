using ContinualSegment.Dicom.Network.Associations;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>Acceptor policy: decides whether an A-ASSOCIATE-RQ is accepted (and with which contexts) or rejected.</summary>
public interface IAssociationAcceptor
{
    /// <summary>Decides on one association request.</summary>
    ValueTask<AssociationDecision> DecideAsync(AssociationRequestContext context, CancellationToken cancellationToken);
}
