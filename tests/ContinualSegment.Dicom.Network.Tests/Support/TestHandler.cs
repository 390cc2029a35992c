using System.Collections.Concurrent;
using ContinualSegment.Dicom.Network.Associations;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>
/// Records every reassembled message, answers C-ECHO-RQ commands with a hand-encoded C-ECHO-RSP, and can hold
/// the release response until the test opens <see cref="ReleaseGate"/>.
/// </summary>
internal sealed class TestHandler : IAssociationHandler
{
    public ConcurrentQueue<PresentationDataMessage> Messages { get; } = new();

    public TaskCompletionSource ReleaseEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource? ReleaseGate { get; set; }

    public int EchoCount;

    public async ValueTask OnMessageAsync(Association association, PresentationDataMessage message, CancellationToken cancellationToken)
    {
        Messages.Enqueue(message);
        if (!message.IsCommand)
        {
            return;
        }

        var command = EchoCommand.Parse(message.Bytes.Span);
        if (command.ContainsKey(0x0100) && EchoCommand.ReadU16(command, 0x0100) == EchoCommand.EchoRq)
        {
            Interlocked.Increment(ref EchoCount);
            var response = EchoCommand.Response(EchoCommand.ReadU16(command, 0x0110), EchoCommand.ReadUid(command, 0x0002));
            await association.SendMessageAsync(message.PresentationContextId, response, null, cancellationToken);
        }
    }

    public async ValueTask OnReleaseRequestedAsync(Association association, CancellationToken cancellationToken)
    {
        ReleaseEntered.TrySetResult();
        if (ReleaseGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }
    }
}
