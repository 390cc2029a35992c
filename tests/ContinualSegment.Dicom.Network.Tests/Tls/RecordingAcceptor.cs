using System.Collections.Concurrent;
using ContinualSegment.Dicom.Network.Associations;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Delegates to another acceptor and keeps every request context it saw.</summary>
internal sealed class RecordingAcceptor(IAssociationAcceptor inner) : IAssociationAcceptor
{
    public ConcurrentQueue<AssociationRequestContext> Requests { get; } = new();

    public ValueTask<AssociationDecision> DecideAsync(AssociationRequestContext context, CancellationToken cancellationToken)
    {
        Requests.Enqueue(context);
        return inner.DecideAsync(context, cancellationToken);
    }
}
