using System.Net.Sockets;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.StateMachine;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>
/// The association-requestor's transport connection: TCP (TCP_NODELAY, bounded by the ACSE timeout) and, when a
/// TLS context is given, the DICOM TLS handshake. A failure is told to the protocol machine (a cancelled connect as
/// a local abort, Evt15; a refused connect or handshake as a closed transport, Evt17) before it is rethrown.
/// </summary>
internal static class RequestorConnector
{
    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/>; returns the socket and the stream over it.</summary>
    public static async Task<(Socket Socket, Stream Stream)> ConnectAsync(
        string host,
        int port,
        DicomTlsContext? tls,
        UpperLayerOptions options,
        Func<UpperLayerEvent, Task> signal,
        CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var connectTimeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, options.TimeProvider);
            using var link = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), connectTimeout);
            if (options.AcseTimeout != Timeout.InfiniteTimeSpan)
            {
                connectTimeout.CancelAfter(options.AcseTimeout);
            }

            await socket.ConnectAsync(host, port, connectTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex)
        {
            socket.Dispose();
            await signal(UpperLayerEvent.Evt15).ConfigureAwait(false);
            if (!cancellationToken.IsCancellationRequested)
            {
                // The peer did not answer in time (a dropped SYN): a network failure to retry, not a cancellation of ours.
                throw new TimeoutException($"no connection to {host}:{port} within {options.AcseTimeout.TotalSeconds:0.#} s", ex);
            }

            throw;
        }
        catch (SocketException)
        {
            socket.Dispose();
            await signal(UpperLayerEvent.Evt17).ConfigureAwait(false);
            throw;
        }

        if (tls is null)
        {
            return (socket, new NetworkStream(socket, ownsSocket: true));
        }

        try
        {
            return (socket, await tls.AuthenticateAsClientAsync(socket, host, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            socket.Dispose();
            await signal(UpperLayerEvent.Evt17).ConfigureAwait(false);
            throw;
        }
    }
}
