using System.Collections.Concurrent;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Server;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Records every association report and refused connection, in order.</summary>
internal sealed class RecordingObserver(Action<ConnectionRefusal>? refused = null) : IAssociationObserver
{
    public ConcurrentQueue<AssociationEvent> Events { get; } = new();

    public ConcurrentQueue<ConnectionRefusal> Refusals { get; } = new();

    public void OnAccepted(AssociationAccepted accepted) => Events.Enqueue(accepted);

    public void OnRejected(AssociationRejected rejected) => Events.Enqueue(rejected);

    public void OnReleased(AssociationReleased released) => Events.Enqueue(released);

    public void OnAborted(AssociationAborted aborted) => Events.Enqueue(aborted);

    public void OnConnectionRefused(ConnectionRefusal refusal)
    {
        Refusals.Enqueue(refusal);
        refused?.Invoke(refusal);
    }
}
