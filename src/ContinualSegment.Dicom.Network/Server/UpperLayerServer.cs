using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace ContinualSegment.Dicom.Network;

/// <summary>
/// Accepts DICOM associations on a TCP port. Each connection runs its own <see cref="Association"/>; the
/// acceptor policy decides on requests and a handler per association receives presentation data.
/// </summary>
public sealed class UpperLayerServer : IAsyncDisposable
{
    private readonly UpperLayerServerOptions _options;
    private readonly IAssociationAcceptor _acceptor;
    private readonly Func<Association, IAssociationHandler>? _handlerFactory;
    private readonly IAssociationHandler? _sharedHandler;
    private readonly ConcurrentDictionary<Association, byte> _associations = new();
    private readonly ConcurrentDictionary<long, Task> _handshakes = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly DicomTlsContext? _tls;
    private readonly ILogger _logger;
    private long _nextHandshake;
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private int _active;
    private int _pendingRejections;
    private int _stopped;

    /// <summary>Creates a server whose associations all use <paramref name="handler"/>.</summary>
    public UpperLayerServer(UpperLayerServerOptions options, IAssociationAcceptor acceptor, IAssociationHandler handler)
        : this(options, acceptor)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _sharedHandler = handler;
    }

    /// <summary>Creates a server that makes one handler per association.</summary>
    public UpperLayerServer(UpperLayerServerOptions options, IAssociationAcceptor acceptor, Func<Association, IAssociationHandler> handlerFactory)
        : this(options, acceptor)
    {
        ArgumentNullException.ThrowIfNull(handlerFactory);
        _handlerFactory = handlerFactory;
    }

    private UpperLayerServer(UpperLayerServerOptions options, IAssociationAcceptor acceptor)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(acceptor);
        options.Validate();
        _options = options;
        _acceptor = acceptor;
        _logger = options.Association.LoggerFactory.CreateLogger<UpperLayerServer>();
        _tls = options.Tls is null ? null : DicomTlsContext.Create(options.Tls, isServer: true, options.Association.TimeProvider);
    }

    /// <summary>The bound port (valid after <see cref="Start"/>).</summary>
    public int Port { get; private set; }

    /// <summary>Associations currently holding a slot (within the limit).</summary>
    public int ActiveAssociationCount => Volatile.Read(ref _active);

    /// <summary>True when connections must complete a DICOM TLS handshake first.</summary>
    public bool UsesTls => _tls is not null;

    /// <summary>Connections whose TLS handshake is still under way (they already hold a slot).</summary>
    public int PendingHandshakeCount => _handshakes.Count;

    /// <summary>All connections currently open, including those being rejected for the limit.</summary>
    public int OpenConnectionCount => _associations.Count;

    /// <summary>A snapshot of the open associations.</summary>
    public IReadOnlyCollection<Association> Associations => [.. _associations.Keys];

    /// <summary>Binds and starts accepting connections.</summary>
    public void Start()
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException("The server was already started.");
        }

        var listener = new TcpListener(_options.BindAddress, _options.Port);
        listener.Start();
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Log.Listening(_logger, Port, _tls is not null);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>
    /// Stops accepting, lets in-flight associations finish within <paramref name="gracePeriod"/>, then aborts the
    /// rest and waits for them to close.
    /// </summary>
    public async Task StopAsync(TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            await WaitAllAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        _listener?.Stop();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_handshakes.Values).ConfigureAwait(false);
        try
        {
            await WaitAllAsync(cancellationToken).WaitAsync(gracePeriod, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            foreach (var association in _associations.Keys)
            {
                await association.AbortAsync().ConfigureAwait(false);
            }

            try
            {
                await WaitAllAsync(cancellationToken).WaitAsync(_options.Association.ArtimTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                foreach (var association in _associations.Keys)
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
        await StopAsync(_options.Association.ArtimTimeout, CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
        _tls?.Dispose();
    }

    private async Task WaitAllAsync(CancellationToken cancellationToken)
    {
        while (!_associations.IsEmpty)
        {
            await Task.WhenAll(_associations.Keys.Select(a => a.Completion)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptSocketAsync(token).ConfigureAwait(false);
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
        var withinLimit = TryTake(ref _active, _options.MaxAssociations);
        if (!withinLimit)
        {
            var peer = RemoteEndPointOf(socket);
            if (!TryTake(ref _pendingRejections, _options.MaxPendingRejections))
            {
                // Reported before the close, so whoever sees the connection closed can already see why.
                Report(peer, $"the limit of {_options.MaxAssociations} associations is reached and {_options.MaxPendingRejections} more are already being rejected: connection closed");
                socket.Dispose();
                return;
            }

            Report(peer, $"the limit of {_options.MaxAssociations} associations is reached: its request is {Association.OverLimitReject.Describe()}");
        }

        socket.NoDelay = true;
        if (_tls is null)
        {
            await StartAssociationAsync(socket, new NetworkStream(socket, ownsSocket: true), withinLimit).ConfigureAwait(false);
            return;
        }

        // The handshake runs beside the accept loop so a slow or silent peer cannot hold up other connections.
        var id = Interlocked.Increment(ref _nextHandshake);
        var handshake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _handshakes[id] = handshake.Task;
        _ = Task.Run(async () =>
        {
            try
            {
                await HandshakeThenStartAsync(socket, withinLimit).ConfigureAwait(false);
            }
            finally
            {
                _handshakes.TryRemove(id, out _);
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
            stream = await _tls!.AuthenticateAsServerAsync(socket, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // Not a TLS peer, an untrusted or missing certificate, or a refused protocol version: no association.
            socket.Dispose();
            Release(withinLimit);
            if (!_stopping.IsCancellationRequested)
            {
                Report(peer, "DICOM TLS handshake failed: " + Describe(ex));
            }

            return;
        }

        if (_stopping.IsCancellationRequested)
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
            var shared = _sharedHandler;
            Func<Association, IAssociationHandler> factory = shared is null ? _handlerFactory! : _ => shared;
            association = await Association.StartAcceptorAsync(socket, stream, _options.Association, _acceptor, factory, overLimit: !withinLimit).ConfigureAwait(false);
            _associations[association] = 0;
            var started = association;
            _ = started.Completion.ContinueWith(
                completed =>
                {
                    _associations.TryRemove(started, out _);
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
        Log.ConnectionRefused(_logger, peer, reason);
        if (_options.Association.Observer is not { } observer)
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
            Log.RefusalObserverFailed(_logger, ex);
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

    private void Release(bool withinLimit) => Interlocked.Decrement(ref withinLimit ? ref _active : ref _pendingRejections);

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
