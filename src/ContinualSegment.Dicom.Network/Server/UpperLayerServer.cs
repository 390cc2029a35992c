using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Tls;
using Microsoft.Extensions.Logging;

namespace ContinualSegment.Dicom.Network.Server;

/// <summary>
/// Accepts DICOM associations on a TCP port. Each connection runs its own <see cref="Association"/>; the
/// acceptor policy decides on requests and a handler per association receives presentation data.
/// </summary>
public sealed class UpperLayerServer : IAsyncDisposable
{
    private readonly UpperLayerServerOptions options;
    private readonly IAssociationAcceptor acceptor;
    private readonly Func<Association, IAssociationHandler>? handlerFactory;
    private readonly IAssociationHandler? sharedHandler;
    private readonly ConcurrentDictionary<Association, byte> associations = new();
    private readonly ConcurrentDictionary<long, Task> handshakes = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly DicomTlsContext? tls;
    private readonly ILogger logger;
    private long nextHandshake;
    private TcpListener? listener;
    private Task acceptLoop = Task.CompletedTask;
    private int active;
    private int pendingRejections;
    private int stopped;

    /// <summary>Creates a server whose associations all use <paramref name="handler"/>.</summary>
    public UpperLayerServer(UpperLayerServerOptions options, IAssociationAcceptor acceptor, IAssociationHandler handler)
        : this(options, acceptor)
    {
        ArgumentNullException.ThrowIfNull(handler);
        sharedHandler = handler;
    }

    /// <summary>Creates a server that makes one handler per association.</summary>
    public UpperLayerServer(UpperLayerServerOptions options, IAssociationAcceptor acceptor, Func<Association, IAssociationHandler> handlerFactory)
        : this(options, acceptor)
    {
        ArgumentNullException.ThrowIfNull(handlerFactory);
        this.handlerFactory = handlerFactory;
    }

    private UpperLayerServer(UpperLayerServerOptions options, IAssociationAcceptor acceptor)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(acceptor);
        options.Validate();
        this.options = options;
        this.acceptor = acceptor;
        logger = options.Association.LoggerFactory.CreateLogger<UpperLayerServer>();
        tls = options.Tls is null ? null : DicomTlsContext.Create(options.Tls, isServer: true, options.Association.TimeProvider, options.Association.LoggerFactory.CreateLogger<DicomTlsContext>());
    }

    /// <summary>The bound port (valid after <see cref="Start"/>).</summary>
    public int Port { get; private set; }

    /// <summary>Associations currently holding a slot (within the limit).</summary>
    public int ActiveAssociationCount => Volatile.Read(ref active);

    /// <summary>True when connections must complete a DICOM TLS handshake first.</summary>
    public bool UsesTls => tls is not null;

    /// <summary>Connections whose TLS handshake is still under way (they already hold a slot).</summary>
    public int PendingHandshakeCount => handshakes.Count;

    /// <summary>All connections currently open, including those being rejected for the limit.</summary>
    public int OpenConnectionCount => this.associations.Count;

    /// <summary>A snapshot of the open associations.</summary>
    public IReadOnlyCollection<Association> Associations => [.. this.associations.Keys];

    /// <summary>Binds and starts accepting connections.</summary>
    public void Start()
    {
        if (this.listener is not null)
        {
            throw new InvalidOperationException("The server was already started.");
        }

        var listener = new TcpListener(this.options.BindAddress, this.options.Port);
        listener.Start();
        this.listener = listener;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Log.Listening(logger, Port, tls is not null);
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>
    /// Stops accepting, lets in-flight associations finish within <paramref name="gracePeriod"/>, then aborts the
    /// rest and waits for them to close.
    /// </summary>
    public async Task StopAsync(TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1)
        {
            await WaitAllAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        this.listener?.Stop();
        await stopping.CancelAsync().ConfigureAwait(false);
        await acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(handshakes.Values).ConfigureAwait(false);
        try
        {
            await WaitAllAsync(cancellationToken).WaitAsync(gracePeriod, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            foreach (var association in this.associations.Keys)
            {
                await association.AbortAsync().ConfigureAwait(false);
            }

            try
            {
                await WaitAllAsync(cancellationToken).WaitAsync(this.options.Association.ArtimTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                foreach (var association in this.associations.Keys)
                {
                    association.CloseTransportNow();
                }

                await WaitAllAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stops with a grace period of the ARTIM timeout.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(this.options.Association.ArtimTimeout, CancellationToken.None).ConfigureAwait(false);
        stopping.Dispose();
        tls?.Dispose();
    }

    private async Task WaitAllAsync(CancellationToken cancellationToken)
    {
        while (!this.associations.IsEmpty)
        {
            await Task.WhenAll(this.associations.Keys.Select(a => a.Completion)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AcceptLoopAsync()
    {
        var token = stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await this.listener!.AcceptSocketAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
            {
                if (token.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            await StartAssociationAsync(socket).ConfigureAwait(false);
        }
    }

    private async Task StartAssociationAsync(Socket socket)
    {
        var withinLimit = TryTake(ref active, this.options.MaxAssociations);
        if (!withinLimit)
        {
            var peer = RemoteEndPointOf(socket);
            if (!TryTake(ref pendingRejections, this.options.MaxPendingRejections))
            {
                // Reported before the close, so whoever sees the connection closed can already see why.
                Report(peer, $"the limit of {this.options.MaxAssociations} associations is reached and {this.options.MaxPendingRejections} more are already being rejected: connection closed");
                socket.Dispose();
                return;
            }

            Report(peer, $"the limit of {this.options.MaxAssociations} associations is reached: its request is {Association.OverLimitReject.Describe()}");
        }

        socket.NoDelay = true;
        if (tls is null)
        {
            await StartAssociationAsync(socket, new NetworkStream(socket, ownsSocket: true), withinLimit).ConfigureAwait(false);
            return;
        }

        // The handshake runs beside the accept loop so a slow or silent peer cannot hold up other connections.
        var id = Interlocked.Increment(ref nextHandshake);
        var handshake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        handshakes[id] = handshake.Task;
        _ = Task.Run(async () =>
        {
            try
            {
                await HandshakeThenStartAsync(socket, withinLimit).ConfigureAwait(false);
            }
            finally
            {
                handshakes.TryRemove(id, out _);
                handshake.TrySetResult();
            }
        });
    }

    private async Task HandshakeThenStartAsync(Socket socket, bool withinLimit)
    {
        System.Net.Security.SslStream stream;
        var peer = RemoteEndPointOf(socket);
        try
        {
            stream = await tls!.AuthenticateAsServerAsync(socket, stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // Not a TLS peer, an untrusted or missing certificate, or a refused protocol version: no association.
            socket.Dispose();
            Release(withinLimit);
            if (!stopping.IsCancellationRequested)
            {
                Report(peer, "DICOM TLS handshake failed: " + Describe(ex));
            }

            return;
        }

        if (stopping.IsCancellationRequested)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            Release(withinLimit);
            return;
        }

        await StartAssociationAsync(socket, stream, withinLimit).ConfigureAwait(false);
    }

    private async Task StartAssociationAsync(Socket socket, Stream stream, bool withinLimit)
    {
        Association? association = null;
        try
        {
            var shared = sharedHandler;
            Func<Association, IAssociationHandler> factory = shared is null ? this.handlerFactory! : _ => shared;
            association = await Association.StartAcceptorAsync(socket, stream, this.options.Association, this.acceptor, factory, overLimit: !withinLimit).ConfigureAwait(false);
            this.associations[association] = 0;
            var started = association;
            _ = started.Completion.ContinueWith(
                completed =>
                {
                    this.associations.TryRemove(started, out _);
                    Release(withinLimit);
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            if (association is null)
            {
                Release(withinLimit);
            }
        }
    }

    /// <summary>Logs a refused connection and tells the association observer (<see cref="IAssociationObserver.OnConnectionRefused"/>), if any.</summary>
    private void Report(IPEndPoint? peer, string reason)
    {
        Log.ConnectionRefused(logger, peer, reason);
        if (this.options.Association.Observer is not { } observer)
        {
            return;
        }

        try
        {
            observer.OnConnectionRefused(new ConnectionRefusal(peer, reason));
        }
#pragma warning disable CA1031 // An observer that fails (a closed log pipe) must not take the connection handling with it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // The refusal itself was carried out; only its report is lost.
            Log.RefusalObserverFailed(logger, ex);
        }
    }

    private static IPEndPoint? RemoteEndPointOf(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint as IPEndPoint;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>The exception's message followed by those of its inner exceptions (TLS failures nest the cause).</summary>
    private static string Describe(Exception error)
    {
        var parts = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (!parts.Contains(e.Message, StringComparer.Ordinal))
            {
                parts.Add(e.Message);
            }
        }

        return string.Join("; ", parts);
    }

    private void Release(bool withinLimit) => Interlocked.Decrement(ref withinLimit ? ref active : ref pendingRejections);

    private static bool TryTake(ref int counter, int limit)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current >= limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current + 1, current) == current)
            {
                return true;
            }
        }
    }
}
