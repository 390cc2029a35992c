using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>
/// The transport connection of one association: reads whole PDUs, writes PDUs, keeps the idle timer and counts
/// what went each way. A blocking transport (an accepted plain TCP connection, served by a reader thread of its
/// own) makes every call synchronously and completes the returned tasks before returning — its idle timer is the
/// socket's receive timeout and its write timeout the socket's send timeout; the others read and write
/// asynchronously, with timers from the association's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class AssociationTransport : IDisposable
{
    /// <summary>Payloads up to this length are copied behind the headers so the PDU leaves in one write.</summary>
    private const int SmallPDataPayload = 16 * 1024;

    private readonly Socket socket;
    private readonly Stream stream;
    private readonly PduReader reader;
    private readonly UpperLayerOptions options;
    private readonly CancellationToken lifetime;
    private CancellationTokenSource? idle;
    private CancellationTokenRegistration idleLink;
    private int receiveTimeout;
    private byte[] scratch = [];
    private long pdusReceived;
    private long bytesReceived;
    private long pdusSent;
    private long bytesSent;

    /// <summary>Wraps a connected <paramref name="socket"/> and the <paramref name="stream"/> over it.</summary>
    public AssociationTransport(Socket socket, Stream stream, UpperLayerOptions options, bool blocking, CancellationToken lifetime)
    {
        this.socket = socket;
        this.stream = stream;
        this.options = options;
        this.lifetime = lifetime;
        IsBlocking = blocking;
        reader = new PduReader(stream, options.Limits, borrowPData: true);
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint;
        if (stream is SslStream tls)
        {
            TlsProtocol = tls.SslProtocol;
            PeerCertificate = tls.RemoteCertificate as X509Certificate2;
        }

        if (blocking)
        {
            socket.SendTimeout = options.WriteTimeout == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Max(1, options.WriteTimeout.TotalMilliseconds);
        }
    }

    /// <summary>True when every call blocks the calling thread (see the class remarks).</summary>
    public bool IsBlocking { get; }

    /// <summary>The peer's address.</summary>
    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary>The negotiated TLS version, or null on plain TCP.</summary>
    public SslProtocols? TlsProtocol { get; }

    /// <summary>The certificate the peer presented during the TLS handshake, if any.</summary>
    public X509Certificate2? PeerCertificate { get; }

    /// <summary>PDUs read so far.</summary>
    public long PdusReceived => Interlocked.Read(ref pdusReceived);

    /// <summary>PDU bytes (headers included) read so far.</summary>
    public long BytesReceived => Interlocked.Read(ref bytesReceived);

    /// <summary>PDUs written so far.</summary>
    public long PdusSent => Interlocked.Read(ref pdusSent);

    /// <summary>PDU bytes (headers included) written so far.</summary>
    public long BytesSent => Interlocked.Read(ref bytesSent);

    /// <summary>Arms the idle timer for the next receive, or disarms it.</summary>
    public void ArmIdle(bool arm)
    {
        var timeout = arm && options.IdleTimeout != Timeout.InfiniteTimeSpan ? options.IdleTimeout : Timeout.InfiniteTimeSpan;
        if (IsBlocking)
        {
            var wanted = timeout == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Max(1, timeout.TotalMilliseconds);
            if (wanted != receiveTimeout)
            {
                socket.ReceiveTimeout = wanted;
                receiveTimeout = wanted;
            }

            return;
        }

        // One idle timer for the whole association, re-armed before each read (no allocation per PDU).
        if (idle is null)
        {
            idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, options.TimeProvider);
            idleLink = lifetime.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), idle);
        }

        idle.CancelAfter(timeout);
    }

    /// <summary>Stops the idle timer while received data is delivered (a blocking transport is not reading then: nothing to do).</summary>
    public void PauseIdle()
    {
        if (!IsBlocking)
        {
            idle?.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Reads the next PDU: null when the peer closed on a PDU boundary; <see cref="TimeoutException"/> when the idle
    /// timer ran out (the stream is then unaligned); <see cref="PduFormatException"/> for a bad PDU; the transport's
    /// own exceptions when it failed. A P-DATA-TF PDU's values point into the reader's buffer until the next read.
    /// </summary>
    public async ValueTask<Pdu?> ReceiveAsync()
    {
        Pdu? pdu;
        try
        {
            pdu = IsBlocking ? reader.Read() : await reader.ReadAsync(IdleToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (IsBlocking && receiveTimeout > 0 && IsReceiveTimeout(ex))
        {
            throw new TimeoutException("No PDU arrived within the idle timeout.", ex);
        }
        catch (OperationCanceledException ex) when (!IsBlocking && !lifetime.IsCancellationRequested)
        {
            // The idle timer fired: a fresh one for the reads that follow.
            ResetIdle();
            throw new TimeoutException("No PDU arrived within the idle timeout.", ex);
        }

        if (pdu is not null)
        {
            pdusReceived++;
            bytesReceived += reader.LastPduLength;
        }

        return pdu;
    }

    /// <summary>Discards whatever arrives (PDU boundaries are lost) until the peer closes, the transport fails or the idle timer runs out.</summary>
    public async ValueTask DrainAsync()
    {
        if (scratch.Length == 0)
        {
            scratch = new byte[4096];
        }

        if (IsBlocking)
        {
            while (stream.Read(scratch) > 0)
            {
            }

            return;
        }

        while (await stream.ReadAsync(scratch, IdleToken).ConfigureAwait(false) > 0)
        {
        }
    }

    /// <summary>
    /// Writes one PDU within the write timeout. A P-DATA-TF PDU with one value is framed here (headers, then the payload
    /// from where it lies); others are encoded by <see cref="PduCodec"/>. Throws the transport's exceptions on failure.
    /// </summary>
    public async ValueTask SendAsync(Pdu pdu)
    {
        // Blocking transports time out through the socket's send timeout; the others through a token.
        using var timeout = IsBlocking || options.WriteTimeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(options.WriteTimeout, options.TimeProvider);
        var token = timeout?.Token ?? CancellationToken.None;
        long length;
        if (pdu is PDataTfPdu { Values: [var pdv] })
        {
            // Small payloads (commands, responses) are copied behind the headers so the PDU leaves in one write; large
            // ones are written from where they are.
            var combined = pdv.Data.Length <= SmallPDataPayload;
            var buffer = ArrayPool<byte>.Shared.Rent(PDataFraming.SinglePdvHeaderLength + (combined ? pdv.Data.Length : 0));
            try
            {
                PDataFraming.WriteSinglePdvHeaders(buffer, pdv);
                if (combined)
                {
                    pdv.Data.Span.CopyTo(buffer.AsSpan(PDataFraming.SinglePdvHeaderLength));
                    await WriteAsync(buffer.AsMemory(0, PDataFraming.SinglePdvHeaderLength + pdv.Data.Length), token).ConfigureAwait(false);
                }
                else
                {
                    await WriteAsync(buffer.AsMemory(0, PDataFraming.SinglePdvHeaderLength), token).ConfigureAwait(false);
                    await WriteAsync(pdv.Data, token).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            length = PDataFraming.SinglePdvHeaderLength + pdv.Data.Length;
        }
        else
        {
            var bytes = PduCodec.Encode(pdu);
            await WriteAsync(bytes, token).ConfigureAwait(false);
            length = bytes.Length;
        }

        if (!IsBlocking)
        {
            await stream.FlushAsync(token).ConfigureAwait(false);
        }

        Interlocked.Increment(ref pdusSent);
        Interlocked.Add(ref bytesSent, length);
    }

    /// <summary>Closes the stream and the socket; a read under way fails.</summary>
    public void Close()
    {
        try
        {
            stream.Dispose();
            socket.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Closes the socket at once (from any thread); the reader sees the transport closed.</summary>
    public void CloseNow()
    {
        try
        {
            socket.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Close();
        idleLink.Dispose();
        idle?.Dispose();
    }

    private CancellationToken IdleToken
    {
        get
        {
            if (idle is null)
            {
                ArmIdle(arm: false);
            }

            return idle!.Token;
        }
    }

    private void ResetIdle()
    {
        idleLink.Dispose();
        idle?.Dispose();
        idle = null;
    }

    private ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (IsBlocking)
        {
            stream.Write(bytes.Span);
            return ValueTask.CompletedTask;
        }

        return stream.WriteAsync(bytes, cancellationToken);
    }

    private static bool IsReceiveTimeout(Exception ex)
    {
        for (var e = (Exception?)ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock })
            {
                return true;
            }
        }

        return false;
    }
}
