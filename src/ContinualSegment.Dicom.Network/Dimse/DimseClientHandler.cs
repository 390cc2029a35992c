using System.Threading.Channels;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>Requestor-side service user: pairs each received command with its data set and queues the result.</summary>
internal sealed class DimseClientHandler : IAssociationHandler
{
    private readonly Channel<DimseReceivedMessage> received = Channel.CreateUnbounded<DimseReceivedMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private (DimseMessage Message, byte ContextId)? awaitingDataSet;

    public ChannelReader<DimseReceivedMessage> Received => received.Reader;

    public void Complete(Exception? error) => received.Writer.TryComplete(error);

    public async ValueTask OnMessageAsync(Association association, PresentationDataMessage message, CancellationToken cancellationToken)
    {
        if (message.IsCommand)
        {
            if (awaitingDataSet is not null)
            {
                throw new DimseProtocolException("A command arrived while a data set was expected.");
            }

            var decoded = DimseMessageCodec.Decode(message.Bytes.Span);
            if (decoded.HasDataSet)
            {
                awaitingDataSet = (decoded, message.PresentationContextId);
                return;
            }

            await received.Writer.WriteAsync(new DimseReceivedMessage(decoded, message.PresentationContextId, null), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (awaitingDataSet is not { } pending || pending.ContextId != message.PresentationContextId)
        {
            throw new DimseProtocolException("A data set arrived without a command expecting one.");
        }

        awaitingDataSet = null;
        await received.Writer.WriteAsync(new DimseReceivedMessage(pending.Message, pending.ContextId, message.Bytes), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask OnReleaseRequestedAsync(Association association, CancellationToken cancellationToken)
    {
        Complete(new AssociationAbortedException("The peer released the association."));
        return ValueTask.CompletedTask;
    }
}
