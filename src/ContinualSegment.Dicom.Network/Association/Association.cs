using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;

namespace ContinualSegment.Dicom.Network;

/// <summary>
/// One DICOM association over one transport connection, driven by the PS3.8 state machine
/// (<see cref="StateTransitionTable"/>). Every event — a received PDU, a local primitive, the ARTIM timer or a
/// transport close — is looked up in the table under a lock and the prescribed action is executed.
/// The reader hands received presentation data to the service user inline, in order, before the next PDU is read
/// (no thread hop, no copy of the fragment); on an accepted plain TCP connection it runs on a thread of its own
/// with blocking socket calls. Association requests and release indications go to a
/// separate dispatcher so the reader keeps reacting to the peer (abort, close, ARTIM) while the service user
/// decides; every data indication precedes a release indication, so the order of indications is kept.
/// </summary>
public sealed class Association : IAsyncDisposable
{
    private const int SmallPDataPayload = 16 * 1024;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly UpperLayerOptions _options;
    private readonly IAssociationHandler _handler;
    private readonly IAssociationAcceptor? _acceptor;
    private readonly bool _overLimit;
    private readonly Channel<Indication> _indications = Channel.CreateBounded<Indication>(new BoundedChannelOptions(16) { SingleReader = true });
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _established = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<AssociationEndReason> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MessageAssembler _assembler;
    private readonly List<Indication> _pending = [];
    private readonly List<TaskCompletionSource> _completeAfterTransition = [];
    private Socket? _socket;
    private Stream? _stream;
    private PduReader? _reader;
    private CancellationTokenSource? _artim;
    private long _artimGeneration;
    private AssociationEndReason? _endReason;
    private bool _transportFailed;
    private volatile AssociationState _state = AssociationState.Sta1;
    private Task _loops = Task.CompletedTask;
    private IReadOnlyList<AcceptedPresentationContext> _acceptedContexts = [];
    private PDataTfPdu? _receivedData;
    private bool _blocking;

    private Association(bool isRequestor, UpperLayerOptions options, Func<Association, IAssociationHandler> handlerFactory, IAssociationAcceptor? acceptor, bool overLimit)
    {
        IsRequestor = isRequestor;
        _options = options;
        _handler = handlerFactory(this);
        _acceptor = acceptor;
        _overLimit = overLimit;
        _assembler = new MessageAssembler(options.MaxMessageLength);
        _released.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        _established.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private enum IndicationKind
    {
        Associate,
        Release,
        CollisionReleaseConfirmed,
    }

    /// <summary>Current state of the protocol machine.</summary>
    public AssociationState State => _state;

    /// <summary>True on the association-requestor side.</summary>
    public bool IsRequestor { get; }

    /// <summary>The peer's address, once connected.</summary>
    public IPEndPoint? RemoteEndPoint { get; private set; }

    /// <summary>The negotiated TLS version, or null on a plain TCP connection.</summary>
    public SslProtocols? TlsProtocol { get; private set; }

    /// <summary>The certificate the peer presented during the TLS handshake, if any.</summary>
    public X509Certificate2? PeerCertificate { get; private set; }

    /// <summary>The A-ASSOCIATE-RQ sent (requestor) or received (acceptor).</summary>
    public AssociateRequestPdu? Request { get; private set; }

    /// <summary>The A-ASSOCIATE-AC received (requestor) or sent (acceptor).</summary>
    public AssociateAcceptPdu? Accept { get; private set; }

    /// <summary>The A-ASSOCIATE-RJ received or sent, if the association was rejected.</summary>
    public AssociateRejectPdu? Rejection { get; private set; }

    /// <summary>The A-ABORT received from the peer, if any.</summary>
    public AbortPdu? ReceivedAbort { get; private set; }

    /// <summary>Completes when the association is back in Sta1 (transport closed), with how it ended.</summary>
    public Task<AssociationEndReason> Completion => _completion.Task;

    /// <summary>The peer's maximum P-DATA-TF length; 0 means unlimited.</summary>
    public uint PeerMaxPduLength => (IsRequestor ? Accept?.UserInformation.MaxPduLength : Request?.UserInformation.MaxPduLength) ?? 0;

    /// <summary>
    /// Requests an association: connects (TCP_NODELAY), sends the A-ASSOCIATE-RQ and waits for the answer.
    /// Our maximum length and implementation identification are added to the request's user information
    /// when absent. Throws <see cref="AssociationRejectedException"/> on A-ASSOCIATE-RJ and
    /// <see cref="AssociationAbortedException"/> on abort or transport loss.
    /// </summary>
    public static Task<Association> ConnectAsync(
        string host,
        int port,
        AssociateRequestPdu request,
        IAssociationHandler handler,
        UpperLayerOptions? options = null,
        CancellationToken cancellationToken = default) =>
        ConnectAsync(host, port, request, handler, options, tls: null, cancellationToken);

    /// <summary>
    /// Requests an association as <see cref="ConnectAsync(string, int, AssociateRequestPdu, IAssociationHandler, UpperLayerOptions?, CancellationToken)"/>
    /// does, over DICOM TLS when <paramref name="tls"/> is given: the handshake completes (server certificate verified)
    /// before the A-ASSOCIATE-RQ is sent. A failed handshake throws <see cref="AuthenticationException"/>.
    /// </summary>
    public static async Task<Association> ConnectAsync(
        string host,
        int port,
        AssociateRequestPdu request,
        IAssociationHandler handler,
        UpperLayerOptions? options,
        DicomTlsContext? tls,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handler);
        options ??= new UpperLayerOptions();
        options.Validate();
        AeTitle.Validate(request.CalledAeTitle, nameof(request));
        AeTitle.Validate(request.CallingAeTitle, nameof(request));
        if (request.PresentationContexts.Count == 0)
        {
            throw new ArgumentException("The request proposes no presentation context.", nameof(request));
        }

        var association = new Association(isRequestor: true, options, _ => handler, acceptor: null, overLimit: false)
        {
            Request = request with
            {
                UserInformation = request.UserInformation with
                {
                    MaxPduLength = request.UserInformation.MaxPduLength ?? options.Limits.MaxPDataLength,
                    ImplementationClassUid = request.UserInformation.ImplementationClassUid ?? options.ImplementationClassUid,
                    ImplementationVersionName = request.UserInformation.ImplementationVersionName ?? options.ImplementationVersionName,
                },
            },
        };
        _ = PduCodec.Encode(association.Request);

        await association.HandleAsync(UpperLayerEvent.Evt1).ConfigureAwait(false);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (options.AcseTimeout != Timeout.InfiniteTimeSpan)
            {
                connectTimeout.CancelAfter(options.AcseTimeout);
            }

            await socket.ConnectAsync(host, port, connectTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            socket.Dispose();
            await association.HandleAsync(UpperLayerEvent.Evt15).ConfigureAwait(false);
            throw;
        }
        catch (SocketException)
        {
            socket.Dispose();
            await association.HandleAsync(UpperLayerEvent.Evt17).ConfigureAwait(false);
            throw;
        }

        Stream stream;
        if (tls is null)
        {
            stream = new NetworkStream(socket, ownsSocket: true);
        }
        else
        {
            try
            {
                stream = await tls.AuthenticateAsClientAsync(socket, host, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                await association.HandleAsync(UpperLayerEvent.Evt17).ConfigureAwait(false);
                throw;
            }
        }

        association.AttachTransport(socket, stream);
        await association.HandleAsync(UpperLayerEvent.Evt2).ConfigureAwait(false);
        association.StartLoops();
        try
        {
            await association._established.Task.WaitAsync(options.AcseTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await association.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return association;
    }

    /// <summary>
    /// Starts the acceptor side on an accepted transport connection (Evt5). When <paramref name="overLimit"/> is
    /// set the request is rejected (transient, service-provider presentation, local limit exceeded).
    /// </summary>
    internal static async Task<Association> StartAcceptorAsync(Socket socket, Stream stream, UpperLayerOptions options, IAssociationAcceptor acceptor, Func<Association, IAssociationHandler> handlerFactory, bool overLimit)
    {
        var association = new Association(isRequestor: false, options, handlerFactory, acceptor, overLimit);
        association.AttachTransport(socket, stream);
        await association.HandleAsync(UpperLayerEvent.Evt5).ConfigureAwait(false);
        association.StartLoops();
        return association;
    }

    /// <summary>The presentation contexts accepted on this association (empty until established).</summary>
    public IReadOnlyList<AcceptedPresentationContext> AcceptedContexts => _acceptedContexts;

    /// <summary>The first accepted presentation context for <paramref name="abstractSyntax"/>, or null.</summary>
    public AcceptedPresentationContext? FindAcceptedContext(string abstractSyntax) =>
        AcceptedContexts.FirstOrDefault(c => c.AbstractSyntax == abstractSyntax);

    /// <summary>
    /// Sends one message on an accepted presentation context: the command set and, when given, the data set,
    /// each fragmented into P-DATA-TF PDUs no longer than the peer's maximum length.
    /// </summary>
    public async Task SendMessageAsync(byte presentationContextId, ReadOnlyMemory<byte> command, ReadOnlyMemory<byte>? dataSet, CancellationToken cancellationToken)
    {
        if (!IsAccepted(presentationContextId))
        {
            throw new ArgumentException($"Presentation context {presentationContextId} is not accepted on this association.", nameof(presentationContextId));
        }

        var peerMax = PeerMaxPduLength;
        var maxFragment = peerMax == 0 ? (int)_options.Limits.MaxPDataLength - 6 : (int)Math.Min(peerMax - 6, int.MaxValue - 6);
        maxFragment = Math.Max(1, maxFragment);
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SendFragmentsAsync(presentationContextId, isCommand: true, command, maxFragment, cancellationToken).ConfigureAwait(false);
            if (dataSet is { } data)
            {
                await SendFragmentsAsync(presentationContextId, isCommand: false, data, maxFragment, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>Requests release (A-RELEASE-RQ) and waits for the release confirmation.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (!await HandleAsync(UpperLayerEvent.Evt11).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"An A-RELEASE request is not allowed in state {State}.");
        }

        try
        {
            await _released.Task.WaitAsync(_options.AcseTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            await AbortAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Aborts the association (A-ABORT request primitive); a no-op when the table defines no action.</summary>
    public async Task AbortAsync() => await HandleAsync(UpperLayerEvent.Evt15).ConfigureAwait(false);

    /// <summary>Aborts if still active, waits (bounded by the ARTIM timeout) for the transport to close, then closes it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_state != AssociationState.Sta1)
        {
            await AbortAsync().ConfigureAwait(false);
            try
            {
                await _completion.Task.WaitAsync(_options.ArtimTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                CloseTransportNow();
            }
        }

        await _loops.ConfigureAwait(false);
        _lifetime.Dispose();
    }

    /// <summary>Closes the transport immediately; the machine sees a transport-closed event.</summary>
    internal void CloseTransportNow()
    {
        var socket = _socket;
        try
        {
            socket?.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void AttachTransport(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        if (stream is SslStream tls)
        {
            TlsProtocol = tls.SslProtocol;
            PeerCertificate = tls.RemoteCertificate as X509Certificate2;
        }

        _reader = new PduReader(_stream, _options.Limits, borrowPData: true);
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint;

        // An accepted plain TCP connection is served with blocking socket calls on a thread of its own, as long as
        // no asynchronous socket call has switched it to non-blocking mode: a wait for data is then one receive
        // call, without a readiness notification and a thread-pool hop. Requestors and TLS connections (set up
        // asynchronously) use the asynchronous loop.
        _blocking = !IsRequestor && stream is NetworkStream;
        if (_blocking)
        {
            socket.SendTimeout = _options.WriteTimeout == Timeout.InfiniteTimeSpan ? 0 : (int)Math.Max(1, _options.WriteTimeout.TotalMilliseconds);
        }
    }

    private void StartLoops()
    {
        var read = _blocking
            ? Task.Factory.StartNew(ReadLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            : Task.Run(ReadLoopAsync);
        var dispatch = Task.Run(DispatchLoopAsync);
        var lifetime = _options.AssociationTimeout == Timeout.InfiniteTimeSpan ? Task.CompletedTask : Task.Run(LifetimeWatchAsync);
        _loops = Task.WhenAll(read, dispatch, lifetime);
    }

    private async Task LifetimeWatchAsync()
    {
        try
        {
            await Task.Delay(_options.AssociationTimeout, _lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await AbortAsync().ConfigureAwait(false);
    }

    private async Task SendFragmentsAsync(byte id, bool isCommand, ReadOnlyMemory<byte> bytes, int maxFragment, CancellationToken cancellationToken)
    {
        var offset = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var length = Math.Min(maxFragment, bytes.Length - offset);
            var last = offset + length == bytes.Length;
            var pdu = new PDataTfPdu([new PresentationDataValue(id, isCommand, last, bytes.Slice(offset, length))]);
            if (!await HandleAsync(UpperLayerEvent.Evt9, pdu).ConfigureAwait(false))
            {
                throw State is AssociationState.Sta1 or AssociationState.Sta13
                    ? new AssociationAbortedException(_endReason ?? AssociationEndReason.ProviderAbort, ReceivedAbort)
                    : new InvalidOperationException($"A P-DATA request is not allowed in state {State}.");
            }

            if (_state is AssociationState.Sta1)
            {
                throw new AssociationAbortedException(_endReason ?? AssociationEndReason.ProviderAbort, ReceivedAbort);
            }

            offset += length;
        }
        while (offset < bytes.Length);
    }

    private async Task<bool> HandleAsync(UpperLayerEvent evt, Pdu? pdu = null, AbortReason abortReason = AbortReason.UnexpectedPdu, long artimGeneration = -1)
    {
        Indication[] indications;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (artimGeneration >= 0 && artimGeneration != _artimGeneration)
            {
                return false;
            }

            var action = StateTransitionTable.GetAction(evt, _state);
            if (action == UpperLayerAction.None)
            {
                return false;
            }

            var next = await ExecuteAsync(action, evt, pdu, abortReason).ConfigureAwait(false);
            if (_transportFailed)
            {
                next = AssociationState.Sta1;
            }

            _state = next;

            // Confirmations are signalled only once the new state is visible.
            foreach (var confirmation in _completeAfterTransition)
            {
                if (!_transportFailed)
                {
                    confirmation.TrySetResult();
                }
            }

            _completeAfterTransition.Clear();
            if (next == AssociationState.Sta1)
            {
                Finish();
            }

            if (_pending.Count == 0)
            {
                indications = [];
            }
            else
            {
                indications = [.. _pending];
                _pending.Clear();
            }
        }
        finally
        {
            _gate.Release();
        }

        foreach (var indication in indications)
        {
            try
            {
                await _indications.Writer.WriteAsync(indication, _lifetime.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException or ObjectDisposedException)
            {
                break;
            }
        }

        return true;
    }

    private async Task<AssociationState> ExecuteAsync(UpperLayerAction action, UpperLayerEvent evt, Pdu? pdu, AbortReason abortReason)
    {
        switch (action)
        {
            case UpperLayerAction.AE1:
                return AssociationState.Sta4;
            case UpperLayerAction.AE2:
                await SendAsync(Request!).ConfigureAwait(false);
                return AssociationState.Sta5;
            case UpperLayerAction.AE3:
                Accept = (AssociateAcceptPdu)pdu!;
                _acceptedContexts = ComputeAcceptedContexts(Request!, Accept);
                _completeAfterTransition.Add(_established);
                return AssociationState.Sta6;
            case UpperLayerAction.AE4:
                Rejection = (AssociateRejectPdu)pdu!;
                _endReason ??= AssociationEndReason.Rejected;
                CloseTransport();
                return AssociationState.Sta1;
            case UpperLayerAction.AE5:
                StartArtim();
                return AssociationState.Sta2;
            case UpperLayerAction.AE6:
                {
                    StopArtim();
                    var request = (AssociateRequestPdu)pdu!;
                    Request = request;
                    var reject = ProviderCheck(request);
                    if (reject is not null)
                    {
                        Rejection = reject;
                        _endReason ??= AssociationEndReason.Rejected;
                        await SendAsync(reject).ConfigureAwait(false);
                        StartArtim();
                        return AssociationState.Sta13;
                    }

                    _pending.Add(new Indication(IndicationKind.Associate, request));
                    return AssociationState.Sta3;
                }

            case UpperLayerAction.AE7:
                Accept = (AssociateAcceptPdu)pdu!;
                _acceptedContexts = ComputeAcceptedContexts(Request!, Accept);
                await SendAsync(Accept).ConfigureAwait(false);
                _completeAfterTransition.Add(_established);
                return AssociationState.Sta6;
            case UpperLayerAction.AE8:
                Rejection = (AssociateRejectPdu)pdu!;
                _endReason ??= AssociationEndReason.Rejected;
                await SendAsync(Rejection).ConfigureAwait(false);
                StartArtim();
                return AssociationState.Sta13;
            case UpperLayerAction.DT1:
                await SendAsync(pdu!).ConfigureAwait(false);
                return AssociationState.Sta6;
            case UpperLayerAction.DT2:
                _receivedData = (PDataTfPdu)pdu!;
                return AssociationState.Sta6;
            case UpperLayerAction.AR1:
                await SendAsync(new ReleaseRequestPdu()).ConfigureAwait(false);
                return AssociationState.Sta7;
            case UpperLayerAction.AR2:
                _pending.Add(new Indication(IndicationKind.Release, null));
                return AssociationState.Sta8;
            case UpperLayerAction.AR3:
                _endReason ??= AssociationEndReason.Released;
                _completeAfterTransition.Add(_released);
                CloseTransport();
                return AssociationState.Sta1;
            case UpperLayerAction.AR4:
                _endReason ??= AssociationEndReason.Released;
                await SendAsync(new ReleaseResponsePdu()).ConfigureAwait(false);
                StartArtim();
                return AssociationState.Sta13;
            case UpperLayerAction.AR5:
            case UpperLayerAction.AA2:
            case UpperLayerAction.AA5:
                StopArtim();
                CloseTransport();
                return AssociationState.Sta1;
            case UpperLayerAction.AR6:
                _receivedData = (PDataTfPdu)pdu!;
                return AssociationState.Sta7;
            case UpperLayerAction.AR7:
                await SendAsync(pdu!).ConfigureAwait(false);
                return AssociationState.Sta8;
            case UpperLayerAction.AR8:
                _pending.Add(new Indication(IndicationKind.Release, null));
                return IsRequestor ? AssociationState.Sta9 : AssociationState.Sta10;
            case UpperLayerAction.AR9:
                await SendAsync(new ReleaseResponsePdu()).ConfigureAwait(false);
                return AssociationState.Sta11;
            case UpperLayerAction.AR10:
                _completeAfterTransition.Add(_released);
                _pending.Add(new Indication(IndicationKind.CollisionReleaseConfirmed, null));
                return AssociationState.Sta12;
            case UpperLayerAction.AA1:
                _endReason ??= evt == UpperLayerEvent.Evt15 ? AssociationEndReason.LocalAbort : AssociationEndReason.ProviderAbort;
                await SendAsync(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified)).ConfigureAwait(false);
                StartArtim();
                return AssociationState.Sta13;
            case UpperLayerAction.AA3:
                ReceivedAbort = (AbortPdu)pdu!;
                _endReason ??= AssociationEndReason.PeerAbort;
                CloseTransport();
                return AssociationState.Sta1;
            case UpperLayerAction.AA4:
                _endReason ??= AssociationEndReason.ProviderAbort;
                CloseTransport();
                return AssociationState.Sta1;
            case UpperLayerAction.AA6:
                return AssociationState.Sta13;
            case UpperLayerAction.AA7:
                await SendAsync(new AbortPdu(AbortSource.ServiceProvider, abortReason)).ConfigureAwait(false);
                return AssociationState.Sta13;
            case UpperLayerAction.AA8:
                _endReason ??= AssociationEndReason.ProviderAbort;
                await SendAsync(new AbortPdu(AbortSource.ServiceProvider, abortReason)).ConfigureAwait(false);
                StartArtim();
                return AssociationState.Sta13;
            default:
                throw new InvalidOperationException($"Unknown action {action}.");
        }
    }

    private static List<AcceptedPresentationContext> ComputeAcceptedContexts(AssociateRequestPdu request, AssociateAcceptPdu accept)
    {
        var accepted = new List<AcceptedPresentationContext>();
        foreach (var answer in accept.PresentationContexts)
        {
            var proposal = request.PresentationContexts.FirstOrDefault(p => p.Id == answer.Id);
            if (answer.Result == PresentationContextResult.Acceptance && proposal is not null)
            {
                accepted.Add(new AcceptedPresentationContext(answer.Id, proposal.AbstractSyntax, answer.TransferSyntax));
            }
        }

        return accepted;
    }

    /// <summary>The answer to a request that arrives while the server's association limit is reached.</summary>
    internal static AssociateRejectPdu OverLimitReject { get; } = new(AssociateRejectResult.Transient, AssociateRejectSource.ServiceProviderPresentation, AssociateRejectReasons.LocalLimitExceeded);

    private AssociateRejectPdu? ProviderCheck(AssociateRequestPdu request)
    {
        if ((request.ProtocolVersion & 1) == 0)
        {
            return new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceProviderAcse, AssociateRejectReasons.ProtocolVersionNotSupported);
        }

        if (_overLimit)
        {
            return OverLimitReject;
        }

        return null;
    }

    private AssociateAcceptPdu CompleteAccept(AssociateAcceptPdu accept, AssociateRequestPdu request) => accept with
    {
        ProtocolVersion = 1,
        CalledAeTitle = request.CalledAeTitle,
        CallingAeTitle = request.CallingAeTitle,
        UserInformation = accept.UserInformation with
        {
            MaxPduLength = _options.Limits.MaxPDataLength,
            ImplementationClassUid = accept.UserInformation.ImplementationClassUid ?? _options.ImplementationClassUid,
            ImplementationVersionName = accept.UserInformation.ImplementationVersionName ?? _options.ImplementationVersionName,
        },
    };

    private async Task SendAsync(Pdu pdu)
    {
        var stream = _stream;
        if (stream is null || _transportFailed)
        {
            _transportFailed = true;
            return;
        }

        // Blocking transports time out through the socket's send timeout; the others through a token.
        using var timeout = _blocking ? null : new CancellationTokenSource();
        if (timeout is not null && _options.WriteTimeout != Timeout.InfiniteTimeSpan)
        {
            timeout.CancelAfter(_options.WriteTimeout);
        }

        var token = timeout?.Token ?? CancellationToken.None;
        try
        {
            if (pdu is PDataTfPdu { Values: [var pdv] })
            {
                // PDU header and PDV header, then the payload: small payloads (commands, responses) are copied behind
                // the header so the PDU leaves in one write; large ones are written from where they are.
                var combined = pdv.Data.Length <= SmallPDataPayload;
                var buffer = ArrayPool<byte>.Shared.Rent(combined ? 12 + pdv.Data.Length : 12);
                try
                {
                    buffer[0] = (byte)PduType.PData;
                    buffer[1] = 0;
                    BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(2), (uint)pdv.Data.Length + 6);
                    BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(6), (uint)pdv.Data.Length + 2);
                    buffer[10] = pdv.PresentationContextId;
                    buffer[11] = pdv.MessageControlHeader;
                    if (combined)
                    {
                        pdv.Data.Span.CopyTo(buffer.AsSpan(12));
                        await WriteAsync(stream, buffer.AsMemory(0, 12 + pdv.Data.Length), token).ConfigureAwait(false);
                    }
                    else
                    {
                        await WriteAsync(stream, buffer.AsMemory(0, 12), token).ConfigureAwait(false);
                        await WriteAsync(stream, pdv.Data, token).ConfigureAwait(false);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            else
            {
                await WriteAsync(stream, PduCodec.Encode(pdu), token).ConfigureAwait(false);
            }

            if (!_blocking)
            {
                await stream.FlushAsync(token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            _transportFailed = true;
            _endReason ??= AssociationEndReason.ProviderAbort;
        }
    }

    private ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (_blocking)
        {
            stream.Write(bytes.Span);
            return ValueTask.CompletedTask;
        }

        return stream.WriteAsync(bytes, cancellationToken);
    }

    private void StartArtim()
    {
        StopArtim();
        var generation = ++_artimGeneration;
        var cts = new CancellationTokenSource();
        _artim = cts;
        _ = RunArtimAsync(generation, cts.Token);
    }

    private void StopArtim()
    {
        _artimGeneration++;
        var cts = _artim;
        _artim = null;
        if (cts is not null)
        {
            cts.Cancel();
            cts.Dispose();
        }
    }

    private async Task RunArtimAsync(long generation, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(_options.ArtimTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await HandleAsync(UpperLayerEvent.Evt18, artimGeneration: generation).ConfigureAwait(false);
    }

    private void CloseTransport()
    {
        try
        {
            _stream?.Dispose();
            _socket?.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Finish()
    {
        StopArtim();
        CloseTransport();
        var reason = _endReason ?? AssociationEndReason.ProviderAbort;
        if (Rejection is not null && IsRequestor)
        {
            _established.TrySetException(new AssociationRejectedException(Rejection));
        }
        else
        {
            _established.TrySetException(new AssociationAbortedException(reason, ReceivedAbort));
        }

        _released.TrySetException(new AssociationAbortedException(reason, ReceivedAbort));
        _indications.Writer.TryComplete();
        _lifetime.Cancel();
        _completion.TrySetResult(reason);
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            await ReadPdusAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A fault in the machine itself: drop the transport so the association cannot hang.
            CloseTransportNow();
            await HandleAsync(UpperLayerEvent.Evt17).ConfigureAwait(false);
        }
    }

    private async Task ReadPdusAsync()
    {
        var token = _lifetime.Token;
        var framingLost = false;
        var scratch = Array.Empty<byte>();

        // One idle timer for the whole association, re-armed before each read (no allocation per PDU).
        var idle = CancellationTokenSource.CreateLinkedTokenSource(token);
        try
        {
            while (_state != AssociationState.Sta1)
            {
                Pdu? pdu;

                // ARTIM, not the idle timer, governs Sta2 and Sta13; a drained connection ends by close or ARTIM.
                var armIdle = !framingLost && _options.IdleTimeout != Timeout.InfiniteTimeSpan && _state is not (AssociationState.Sta2 or AssociationState.Sta13);
                idle.CancelAfter(armIdle ? _options.IdleTimeout : Timeout.InfiniteTimeSpan);
                try
                {
                    if (framingLost)
                    {
                        // PDU boundaries are lost: discard whatever arrives until the peer closes or ARTIM fires.
                        pdu = null;
                        if (scratch.Length == 0)
                        {
                            scratch = new byte[4096];
                        }

                        while (await _stream!.ReadAsync(scratch, idle.Token).ConfigureAwait(false) > 0)
                        {
                        }
                    }
                    else
                    {
                        pdu = await _reader!.ReadAsync(idle.Token).ConfigureAwait(false);
                    }
                }
                catch (PduFormatException ex)
                {
                    framingLost |= ex.FramingLost;
                    await HandleAsync(UpperLayerEvent.Evt19, abortReason: ex.Reason).ConfigureAwait(false);
                    continue;
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    // Idle timeout: abort; a cancelled read leaves the stream unaligned, so only drain from now on.
                    framingLost = true;
                    idle.Dispose();
                    idle = CancellationTokenSource.CreateLinkedTokenSource(token);
                    await HandleAsync(UpperLayerEvent.Evt15).ConfigureAwait(false);
                    continue;
                }
                catch (Exception ex) when (ex is IOException or EndOfStreamException or ObjectDisposedException or SocketException or OperationCanceledException)
                {
                    await HandleAsync(UpperLayerEvent.Evt17).ConfigureAwait(false);
                    break;
                }

                if (pdu is null)
                {
                    await HandleAsync(UpperLayerEvent.Evt17).ConfigureAwait(false);
                    break;
                }

                await HandleAsync(EventFor(pdu), pdu).ConfigureAwait(false);

                // A P-DATA indication is handled here, before the next read: its fragments point into the reader's buffer.
                var data = _receivedData;
                _receivedData = null;
                if (data is not null && _state != AssociationState.Sta1)
                {
                    idle.CancelAfter(Timeout.InfiniteTimeSpan);
                    await DeliverDataAsync(data, token).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            idle.Dispose();
        }
    }

    private static UpperLayerEvent EventFor(Pdu pdu) => pdu.Type switch
    {
        PduType.AssociateRequest => UpperLayerEvent.Evt6,
        PduType.AssociateAccept => UpperLayerEvent.Evt3,
        PduType.AssociateReject => UpperLayerEvent.Evt4,
        PduType.PData => UpperLayerEvent.Evt10,
        PduType.ReleaseRequest => UpperLayerEvent.Evt12,
        PduType.ReleaseResponse => UpperLayerEvent.Evt13,
        _ => UpperLayerEvent.Evt16,
    };

    private static void Wait(Task task) => task.GetAwaiter().GetResult();

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

    private void ReadLoop()
    {
        try
        {
            ReadPdus();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A fault in the machine itself: drop the transport so the association cannot hang.
            CloseTransportNow();
            Wait(HandleAsync(UpperLayerEvent.Evt17));
        }
    }

    private void ReadPdus()
    {
        var token = _lifetime.Token;
        var framingLost = false;
        var scratch = Array.Empty<byte>();
        var receiveTimeout = 0;
        while (_state != AssociationState.Sta1)
        {
            Pdu? pdu;

            // The idle timer is the socket's receive timeout. ARTIM, not the idle timer, governs Sta2 and Sta13;
            // a drained connection ends by close or ARTIM.
            var armIdle = !framingLost && _options.IdleTimeout != Timeout.InfiniteTimeSpan && _state is not (AssociationState.Sta2 or AssociationState.Sta13);
            var wanted = armIdle ? (int)Math.Max(1, _options.IdleTimeout.TotalMilliseconds) : 0;
            try
            {
                if (wanted != receiveTimeout)
                {
                    _socket!.ReceiveTimeout = wanted;
                    receiveTimeout = wanted;
                }

                if (framingLost)
                {
                    // PDU boundaries are lost: discard whatever arrives until the peer closes or ARTIM fires.
                    pdu = null;
                    if (scratch.Length == 0)
                    {
                        scratch = new byte[4096];
                    }

                    while (_stream!.Read(scratch) > 0)
                    {
                    }
                }
                else
                {
                    pdu = _reader!.Read();
                }
            }
            catch (PduFormatException ex)
            {
                framingLost |= ex.FramingLost;
                Wait(HandleAsync(UpperLayerEvent.Evt19, abortReason: ex.Reason));
                continue;
            }
            catch (IOException ex) when (!framingLost && receiveTimeout > 0 && IsReceiveTimeout(ex))
            {
                // Idle timeout: abort; a timed-out read leaves the stream unaligned, so only drain from now on.
                framingLost = true;
                Wait(HandleAsync(UpperLayerEvent.Evt15));
                continue;
            }
            catch (Exception ex) when (ex is IOException or EndOfStreamException or ObjectDisposedException or SocketException or OperationCanceledException or InvalidOperationException)
            {
                Wait(HandleAsync(UpperLayerEvent.Evt17));
                break;
            }

            if (pdu is null)
            {
                Wait(HandleAsync(UpperLayerEvent.Evt17));
                break;
            }

            Wait(HandleAsync(EventFor(pdu), pdu));

            // A P-DATA indication is handled here, before the next read: its fragments point into the reader's buffer.
            var data = _receivedData;
            _receivedData = null;
            if (data is not null && _state != AssociationState.Sta1)
            {
                Wait(DeliverDataAsync(data, token));
            }
        }
    }

    private async Task DispatchLoopAsync()
    {
        var token = _lifetime.Token;
        try
        {
            await foreach (var indication in _indications.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                await DispatchAsync(indication, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The association ended.
        }
    }

    private async Task DispatchAsync(Indication indication, CancellationToken token)
    {
        switch (indication.Kind)
        {
            case IndicationKind.Associate:
                {
                    var request = (AssociateRequestPdu)indication.Pdu!;
                    AssociationDecision decision;
                    try
                    {
                        decision = await _acceptor!.DecideAsync(new AssociationRequestContext(request, RemoteEndPoint) { PeerCertificate = PeerCertificate, TlsProtocol = TlsProtocol }, token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
                    {
                        decision = AssociationDecision.Rejected(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, AssociateRejectReasons.UserNoReasonGiven);
                    }

                    if (decision.Accept is { } accept)
                    {
                        await HandleAsync(UpperLayerEvent.Evt7, CompleteAccept(accept, request)).ConfigureAwait(false);
                    }
                    else
                    {
                        await HandleAsync(UpperLayerEvent.Evt8, decision.Reject).ConfigureAwait(false);
                    }

                    break;
                }

            case IndicationKind.Release:
                try
                {
                    await _handler.OnReleaseRequestedAsync(this, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    await AbortAsync().ConfigureAwait(false);
                    break;
                }

                await HandleAsync(UpperLayerEvent.Evt14).ConfigureAwait(false);
                break;
            default:
                await HandleAsync(UpperLayerEvent.Evt14).ConfigureAwait(false);
                break;
        }
    }

    private async Task DeliverDataAsync(PDataTfPdu data, CancellationToken token)
    {
        try
        {
            foreach (var pdv in data.Values)
            {
                if (!IsAccepted(pdv.PresentationContextId))
                {
                    throw new PduFormatException($"PDV on presentation context {pdv.PresentationContextId}, which is not accepted.", AbortReason.InvalidPduParameterValue, framingLost: false);
                }

                if (!pdv.IsCommand && _handler is IDataSetFragmentSink sink && sink.ClaimsDataSet(pdv.PresentationContextId))
                {
                    await sink.OnDataSetFragmentAsync(this, pdv, token).ConfigureAwait(false);
                    continue;
                }

                var message = _assembler.Add(pdv);
                if (message is not null)
                {
                    await _handler.OnMessageAsync(this, message, token).ConfigureAwait(false);
                }
            }
        }
        catch (PduFormatException ex)
        {
            await HandleAsync(UpperLayerEvent.Evt19, abortReason: ex.Reason).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
        {
            await AbortAsync().ConfigureAwait(false);
        }
    }

    private bool IsAccepted(byte presentationContextId)
    {
        foreach (var context in _acceptedContexts)
        {
            if (context.Id == presentationContextId)
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Indication(IndicationKind Kind, Pdu? Pdu);
}
