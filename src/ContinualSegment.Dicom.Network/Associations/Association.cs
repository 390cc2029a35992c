using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.StateMachine;
using ContinualSegment.Dicom.Network.Tls;
using Microsoft.Extensions.Logging;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>
/// One DICOM association over one transport connection, driven by the PS3.8 state machine
/// (<see cref="StateTransitionTable"/>). Every event — a received PDU, a local primitive, the ARTIM timer or a
/// transport close — is looked up in the table under a lock and the prescribed action is executed.
/// The pieces: <see cref="AssociationTransport"/> reads and writes PDUs, <see cref="PduPump"/> feeds received PDUs
/// to the machine and hands presentation data to the service user inline, in order, before the next PDU is read
/// (no thread hop, no copy of the fragment; on an accepted plain TCP connection on a thread of its own with blocking
/// socket calls), <see cref="ArtimTimer"/> keeps the ARTIM timer and <see cref="RequestorConnector"/> opens the
/// requestor's connection. Association requests and release indications go to a separate dispatcher so the reader
/// keeps reacting to the peer (abort, close, ARTIM) while the service user decides; every data indication precedes
/// a release indication, so the order of indications is kept.
/// </summary>
public sealed partial class Association : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly SemaphoreSlim sendGate = new(1, 1);
    private readonly UpperLayerOptions options;
    private readonly IAssociationHandler handler;
    private readonly IAssociationAcceptor? acceptor;
    private readonly bool overLimit;
    private readonly ILogger logger;
    private readonly ArtimTimer artim;
    private readonly Channel<Indication> indications = Channel.CreateBounded<Indication>(new BoundedChannelOptions(16) { SingleReader = true });
    private readonly CancellationTokenSource lifetime = new();
    private readonly TaskCompletionSource established = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<AssociationEndReason> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MessageAssembler assembler;
    private readonly List<Indication> pending = [];
    private readonly List<TaskCompletionSource> completeAfterTransition = [];
    private readonly List<AssociationEvent> observations = [];
    private AssociationTransport? transport;
    private AssociationEndReason? endReason;
    private bool transportFailed;
    private volatile AssociationState state = AssociationState.Sta1;
    private Task loops = Task.CompletedTask;
    private List<AcceptedPresentationContext> acceptedContexts = [];
    private PDataTfPdu? receivedData;

    private Association(bool isRequestor, UpperLayerOptions options, Func<Association, IAssociationHandler> handlerFactory, IAssociationAcceptor? acceptor, bool overLimit)
    {
        IsRequestor = isRequestor;
        this.options = options;
        handler = handlerFactory(this);
        this.acceptor = acceptor;
        this.overLimit = overLimit;
        logger = options.LoggerFactory.CreateLogger<Association>();
        artim = new ArtimTimer(options.TimeProvider, options.ArtimTimeout, generation => _ = HandleAsync(UpperLayerEvent.Evt18, artimGeneration: generation));
        assembler = new MessageAssembler(options.MaxMessageLength);
        released.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        established.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private enum IndicationKind
    {
        Associate,
        Release,
        CollisionReleaseConfirmed,
    }

    /// <summary>Current state of the protocol machine.</summary>
    public AssociationState State => state;

    /// <summary>True on the association-requestor side.</summary>
    public bool IsRequestor { get; }

    /// <summary>The peer's address, once connected.</summary>
    public IPEndPoint? RemoteEndPoint => transport?.RemoteEndPoint;

    /// <summary>The negotiated TLS version, or null on a plain TCP connection.</summary>
    public SslProtocols? TlsProtocol => transport?.TlsProtocol;

    /// <summary>The certificate the peer presented during the TLS handshake, if any.</summary>
    public X509Certificate2? PeerCertificate => transport?.PeerCertificate;

    /// <summary>The A-ASSOCIATE-RQ sent (requestor) or received (acceptor).</summary>
    public AssociateRequestPdu? Request { get; private set; }

    /// <summary>The A-ASSOCIATE-AC received (requestor) or sent (acceptor).</summary>
    public AssociateAcceptPdu? Accept { get; private set; }

    /// <summary>The A-ASSOCIATE-RJ received or sent, if the association was rejected.</summary>
    public AssociateRejectPdu? Rejection { get; private set; }

    /// <summary>The A-ABORT received from the peer, if any.</summary>
    public AbortPdu? ReceivedAbort { get; private set; }

    /// <summary>PDUs and bytes that went over the transport so far.</summary>
    public AssociationTraffic Traffic => transport is { } t ? new AssociationTraffic(t.PdusSent, t.BytesSent, t.PdusReceived, t.BytesReceived) : default;

    /// <summary>Completes when the association is back in Sta1 (transport closed), with how it ended.</summary>
    public Task<AssociationEndReason> Completion => completion.Task;

    /// <summary>The peer's maximum P-DATA-TF length; 0 means unlimited.</summary>
    public uint PeerMaxPduLength => (IsRequestor ? Accept?.UserInformation.MaxPduLength : Request?.UserInformation.MaxPduLength) ?? 0;

    /// <summary>The presentation contexts accepted on this association (empty until established).</summary>
    public IReadOnlyList<AcceptedPresentationContext> AcceptedContexts => acceptedContexts;

    /// <summary>The answer to a request that arrives while the server's association limit is reached.</summary>
    internal static AssociateRejectPdu OverLimitReject { get; } = new(AssociateRejectResult.Transient, AssociateRejectSource.ServiceProviderPresentation, AssociateRejectReasons.LocalLimitExceeded);

    /// <summary>The transport, once connected (the pump's).</summary>
    internal AssociationTransport? Transport => transport;

    /// <summary>The association's lifetime: cancelled when it is back in Sta1.</summary>
    internal CancellationToken Lifetime => lifetime.Token;

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
        var (socket, stream) = await RequestorConnector.ConnectAsync(host, port, tls, options, evt => association.HandleAsync(evt), cancellationToken).ConfigureAwait(false);
        association.AttachTransport(socket, stream);
        await association.HandleAsync(UpperLayerEvent.Evt2).ConfigureAwait(false);
        association.StartLoops();
        try
        {
            await association.established.Task.WaitAsync(options.AcseTimeout, options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await association.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return association;
    }

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
        var maxFragment = peerMax == 0 ? (int)options.Limits.MaxPDataLength - 6 : (int)Math.Min(peerMax - 6, int.MaxValue - 6);
        maxFragment = Math.Max(1, maxFragment);
        await sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
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
            sendGate.Release();
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
            await released.Task.WaitAsync(options.AcseTimeout, options.TimeProvider, cancellationToken).ConfigureAwait(false);
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
        if (state != AssociationState.Sta1)
        {
            await AbortAsync().ConfigureAwait(false);
            try
            {
                await completion.Task.WaitAsync(options.ArtimTimeout, options.TimeProvider).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                CloseTransportNow();
            }
        }

        await loops.ConfigureAwait(false);
        artim.Dispose();
        lifetime.Dispose();
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

    /// <summary>Closes the transport immediately; the machine sees a transport-closed event.</summary>
    internal void CloseTransportNow() => transport?.CloseNow();

    private void AttachTransport(Socket socket, Stream stream)
    {
        // An accepted plain TCP connection is served with blocking socket calls on a thread of its own, as long as
        // no asynchronous socket call has switched it to non-blocking mode: a wait for data is then one receive
        // call, without a readiness notification and a thread-pool hop. Requestors and TLS connections (set up
        // asynchronously) use the asynchronous loop.
        transport = new AssociationTransport(socket, stream, options, blocking: !IsRequestor && stream is NetworkStream, lifetime.Token);
    }

    private void StartLoops()
    {
        var pump = new PduPump(this, transport!);
        var read = pump.Start();
        var dispatch = Task.Run(DispatchLoopAsync);
        var watch = options.AssociationTimeout == Timeout.InfiniteTimeSpan ? Task.CompletedTask : Task.Run(LifetimeWatchAsync);
        loops = Task.WhenAll(read, dispatch, watch);
    }

    private async Task LifetimeWatchAsync()
    {
        try
        {
            await Task.Delay(options.AssociationTimeout, options.TimeProvider, lifetime.Token).ConfigureAwait(false);
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
                    ? new AssociationAbortedException(endReason ?? AssociationEndReason.ProviderAbort, ReceivedAbort)
                    : new InvalidOperationException($"A P-DATA request is not allowed in state {State}.");
            }

            if (state is AssociationState.Sta1)
            {
                throw new AssociationAbortedException(endReason ?? AssociationEndReason.ProviderAbort, ReceivedAbort);
            }

            offset += length;
        }
        while (offset < bytes.Length);
    }

    private bool IsAccepted(byte presentationContextId)
    {
        foreach (var context in acceptedContexts)
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
