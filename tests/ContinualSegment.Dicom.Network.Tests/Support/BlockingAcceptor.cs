using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Associations;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>An acceptor that holds its decision (keeping the machine in Sta3) until the test opens the gate.</summary>
internal sealed class BlockingAcceptor : IAssociationAcceptor
{
    private readonly AssociationNegotiator _inner = new(TestServer.DefaultPolicy);

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask<AssociationDecision> DecideAsync(AssociationRequestContext context, CancellationToken cancellationToken)
    {
        Entered.TrySetResult();
        await Gate.Task.WaitAsync(cancellationToken);
        return await _inner.DecideAsync(context, cancellationToken);
    }
}
