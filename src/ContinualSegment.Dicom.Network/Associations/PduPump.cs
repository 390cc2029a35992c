using System.Net.Sockets;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.StateMachine;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>
/// Reads PDUs from an association's transport and feeds them to its protocol machine until the association is back in
/// Sta1; received presentation data is handed to the service user before the next read (its fragments point into
/// the reader's buffer). One loop serves both kinds of transport: on a blocking transport it runs on a thread of its
/// own and every step finishes before it returns (<see cref="Step(Task)"/>), so the loop never leaves that thread;
/// otherwise it is an ordinary asynchronous loop.
/// </summary>
internal sealed class PduPump(Association association, AssociationTransport transport)
{
    /// <summary>Starts the loop: a long-running thread for a blocking transport, a thread-pool task otherwise.</summary>
    public Task Start() => transport.IsBlocking
        ? Task.Factory.StartNew(() => RunAsync().GetAwaiter().GetResult(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
        : Task.Run(RunAsync);

    private async Task RunAsync()
    {
        try
        {
            await PumpAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A fault in the machine itself: drop the transport so the association cannot hang.
            transport.CloseNow();
            await Step(association.HandleAsync(UpperLayerEvent.Evt17)).ConfigureAwait(false);
        }
        finally
        {
            transport.Dispose();
        }
    }

    private async Task PumpAsync()
    {
        var framingLost = false;
        while (association.State != AssociationState.Sta1)
        {
            Pdu? pdu;

            // ARTIM, not the idle timer, governs Sta2 and Sta13; a drained connection ends by close or ARTIM.
            transport.ArmIdle(!framingLost && association.State is not (AssociationState.Sta2 or AssociationState.Sta13));
            try
            {
                if (framingLost)
                {
                    // PDU boundaries are lost: discard whatever arrives until the peer closes or ARTIM fires.
                    await Step(transport.DrainAsync()).ConfigureAwait(false);
                    pdu = null;
                }
                else
                {
                    pdu = await Step(transport.ReceiveAsync()).ConfigureAwait(false);
                }
            }
            catch (PduFormatException ex)
            {
                framingLost |= ex.FramingLost;
                await Step(association.HandleAsync(UpperLayerEvent.Evt19, abortReason: ex.Reason)).ConfigureAwait(false);
                continue;
            }
            catch (TimeoutException)
            {
                // Idle timeout: abort; a timed-out read leaves the stream unaligned, so only drain from now on.
                framingLost = true;
                await Step(association.HandleAsync(UpperLayerEvent.Evt15)).ConfigureAwait(false);
                continue;
            }
            catch (Exception ex) when (ex is IOException or EndOfStreamException or ObjectDisposedException or SocketException or OperationCanceledException or InvalidOperationException)
            {
                await Step(association.HandleAsync(UpperLayerEvent.Evt17)).ConfigureAwait(false);
                break;
            }

            if (pdu is null)
            {
                await Step(association.HandleAsync(UpperLayerEvent.Evt17)).ConfigureAwait(false);
                break;
            }

            var data = await Step(association.HandleReceivedAsync(pdu)).ConfigureAwait(false);
            if (data is not null)
            {
                transport.PauseIdle();
                await Step(association.DeliverDataAsync(data, association.Lifetime)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>On a blocking transport, waits for <paramref name="task"/> here (the loop stays on its thread); otherwise returns it to be awaited.</summary>
    private ValueTask Step(Task task)
    {
        if (!transport.IsBlocking || task.IsCompleted)
        {
            return new ValueTask(task);
        }

        task.GetAwaiter().GetResult();
        return ValueTask.CompletedTask;
    }

    private ValueTask Step(ValueTask task)
    {
        if (!transport.IsBlocking || task.IsCompleted)
        {
            return task;
        }

        task.AsTask().GetAwaiter().GetResult();
        return ValueTask.CompletedTask;
    }

    private ValueTask<T> Step<T>(ValueTask<T> task)
    {
        if (!transport.IsBlocking || task.IsCompleted)
        {
            return task;
        }

        return new ValueTask<T>(task.AsTask().GetAwaiter().GetResult());
    }
}
