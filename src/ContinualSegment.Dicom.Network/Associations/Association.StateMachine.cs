using System.Threading.Channels;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.StateMachine;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>The protocol machine of <see cref="Association"/>: events, the actions of PS3.8 Table 9-10, indications and reports.</summary>
public sealed partial class Association
{
    /// <summary>
    /// Handles one event: looks up the action for the current state, executes it and moves to the next state, under
    /// the association's lock; then queues the indications and tells the observer. False when the table has no
    /// action (the event is ignored).
    /// </summary>
    internal async Task<bool> HandleAsync(UpperLayerEvent evt, Pdu? pdu = null, AbortReason abortReason = AbortReason.UnexpectedPdu, long artimGeneration = -1)
    {
        Indication[] toDispatch;
        AssociationEvent[] toReport;
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (artimGeneration >= 0 && !artim.IsCurrent(artimGeneration))
            {
                return false;
            }

            var from = state;
            var action = StateTransitionTable.GetAction(evt, from);
            if (action == UpperLayerAction.None)
            {
                return false;
            }

            var next = await ExecuteAsync(action, evt, pdu, abortReason).ConfigureAwait(false);
            if (options.VerifyTransitions)
            {
                VerifyTransition(action, evt, from, next);
            }

            if (transportFailed)
            {
                next = AssociationState.Sta1;
            }

            state = next;

            // Confirmations are signalled only once the new state is visible.
            foreach (var confirmation in completeAfterTransition)
            {
                if (!transportFailed)
                {
                    confirmation.TrySetResult();
                }
            }

            completeAfterTransition.Clear();
            if (next == AssociationState.Sta1)
            {
                Finish();
            }
            else if (next == AssociationState.Sta6 && from is AssociationState.Sta3 or AssociationState.Sta5)
            {
                ObserveAccepted();
            }

            toDispatch = pending.Count == 0 ? [] : [.. pending];
            pending.Clear();
            toReport = observations.Count == 0 ? [] : [.. observations];
            observations.Clear();
        }
        finally
        {
            gate.Release();
        }

        foreach (var report in toReport)
        {
            Report(report);
        }

        foreach (var indication in toDispatch)
        {
            try
            {
                await indications.Writer.WriteAsync(indication, lifetime.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException or ObjectDisposedException)
            {
                break;
            }
        }

        return true;
    }

    /// <summary>Checks the transition (<see cref="StateTransitionTable.VerifyTransition"/>), logging a wrong one before it fails the association.</summary>
    private void VerifyTransition(UpperLayerAction action, UpperLayerEvent evt, AssociationState from, AssociationState next)
    {
        try
        {
            StateTransitionTable.VerifyTransition(action, evt, from, next);
        }
        catch (InvalidOperationException)
        {
            Log.WrongTransition(logger, action, evt, from, next);
            throw;
        }
    }

    // One case per PS3.8 action, side by side with the table it implements: split, the actions could not be read against it.
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
                acceptedContexts = ComputeAcceptedContexts(Request!, Accept);
                completeAfterTransition.Add(established);
                return AssociationState.Sta6;
            case UpperLayerAction.AE4:
                Rejection = (AssociateRejectPdu)pdu!;
                endReason ??= AssociationEndReason.Rejected;
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
                        endReason ??= AssociationEndReason.Rejected;
                        await SendAsync(reject).ConfigureAwait(false);
                        StartArtim();
                        return AssociationState.Sta13;
                    }

                    pending.Add(new Indication(IndicationKind.Associate, request));
                    return AssociationState.Sta3;
                }

            case UpperLayerAction.AE7:
                Accept = (AssociateAcceptPdu)pdu!;
                acceptedContexts = ComputeAcceptedContexts(Request!, Accept);
                await SendAsync(Accept).ConfigureAwait(false);
                completeAfterTransition.Add(established);
                return AssociationState.Sta6;
            case UpperLayerAction.AE8:
                Rejection = (AssociateRejectPdu)pdu!;
                endReason ??= AssociationEndReason.Rejected;
                await SendAsync(Rejection).ConfigureAwait(false);
                StartArtim();
                return AssociationState.Sta13;
            case UpperLayerAction.DT1:
                await SendAsync(pdu!).ConfigureAwait(false);
                return AssociationState.Sta6;
            case UpperLayerAction.DT2:
                receivedData = (PDataTfPdu)pdu!;
                return AssociationState.Sta6;
            case UpperLayerAction.AR1:
                await SendAsync(new ReleaseRequestPdu()).ConfigureAwait(false);
                return AssociationState.Sta7;
            case UpperLayerAction.AR2:
                pending.Add(new Indication(IndicationKind.Release, null));
                return AssociationState.Sta8;
            case UpperLayerAction.AR3:
                endReason ??= AssociationEndReason.Released;
                completeAfterTransition.Add(released);
                CloseTransport();
                return AssociationState.Sta1;
            case UpperLayerAction.AR4:
                endReason ??= AssociationEndReason.Released;
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
                receivedData = (PDataTfPdu)pdu!;
                return AssociationState.Sta7;
            case UpperLayerAction.AR7:
                await SendAsync(pdu!).ConfigureAwait(false);
                return AssociationState.Sta8;
            case UpperLayerAction.AR8:
                pending.Add(new Indication(IndicationKind.Release, null));
                return IsRequestor ? AssociationState.Sta9 : AssociationState.Sta10;
            case UpperLayerAction.AR9:
                await SendAsync(new ReleaseResponsePdu()).ConfigureAwait(false);
                return AssociationState.Sta11;
            case UpperLayerAction.AR10:
                completeAfterTransition.Add(released);
                pending.Add(new Indication(IndicationKind.CollisionReleaseConfirmed, null));
                return AssociationState.Sta12;
            case UpperLayerAction.AA1:
                endReason ??= evt == UpperLayerEvent.Evt15 ? AssociationEndReason.LocalAbort : AssociationEndReason.ProviderAbort;
                await SendAsync(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified)).ConfigureAwait(false);
                StartArtim();
                return AssociationState.Sta13;
            case UpperLayerAction.AA3:
                ReceivedAbort = (AbortPdu)pdu!;
                endReason ??= AssociationEndReason.PeerAbort;
                CloseTransport();
                return AssociationState.Sta1;
            case UpperLayerAction.AA4:
                endReason ??= AssociationEndReason.ProviderAbort;
                CloseTransport();
                return AssociationState.Sta1;
            case UpperLayerAction.AA6:
                return AssociationState.Sta13;
            case UpperLayerAction.AA7:
                await SendAsync(new AbortPdu(AbortSource.ServiceProvider, abortReason)).ConfigureAwait(false);
                return AssociationState.Sta13;
            case UpperLayerAction.AA8:
                endReason ??= AssociationEndReason.ProviderAbort;
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

    private AssociateRejectPdu? ProviderCheck(AssociateRequestPdu request)
    {
        if ((request.ProtocolVersion & 1) == 0)
        {
            return new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceProviderAcse, AssociateRejectReasons.ProtocolVersionNotSupported);
        }

        if (overLimit)
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
            MaxPduLength = options.Limits.MaxPDataLength,
            ImplementationClassUid = accept.UserInformation.ImplementationClassUid ?? options.ImplementationClassUid,
            ImplementationVersionName = accept.UserInformation.ImplementationVersionName ?? options.ImplementationVersionName,
        },
    };

    private async Task SendAsync(Pdu pdu)
    {
        var current = transport;
        if (current is null || transportFailed)
        {
            transportFailed = true;
            return;
        }

        try
        {
            await current.SendAsync(pdu).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            transportFailed = true;
            endReason ??= AssociationEndReason.ProviderAbort;
        }
    }

    private void StartArtim() => artim.Start();

    private void StopArtim() => artim.Stop();

    private void CloseTransport() => transport?.Close();

    private void Finish()
    {
        StopArtim();
        CloseTransport();
        var reason = endReason ?? AssociationEndReason.ProviderAbort;
        if (Rejection is not null && IsRequestor)
        {
            established.TrySetException(new AssociationRejectedException(Rejection));
        }
        else
        {
            established.TrySetException(new AssociationAbortedException(reason, ReceivedAbort));
        }

        released.TrySetException(new AssociationAbortedException(reason, ReceivedAbort));
        indications.Writer.TryComplete();
        lifetime.Cancel();
        observations.Add(Ended(reason));
        completion.TrySetResult(reason);
    }

    /// <summary>The report of how the association ended.</summary>
    private AssociationEvent Ended(AssociationEndReason reason)
    {
        var calling = Request?.CallingAeTitle ?? string.Empty;
        var called = Request?.CalledAeTitle ?? string.Empty;
        return reason switch
        {
            AssociationEndReason.Rejected when Rejection is { } rejection => new AssociationRejected(IsRequestor, calling, called, RemoteEndPoint, Traffic, rejection),
            AssociationEndReason.Released => new AssociationReleased(IsRequestor, calling, called, RemoteEndPoint, Traffic),
            _ => new AssociationAborted(IsRequestor, calling, called, RemoteEndPoint, Traffic, reason, ReceivedAbort),
        };
    }

    /// <summary>Queues the report of an association just established.</summary>
    private void ObserveAccepted() => observations.Add(new AssociationAccepted(
        IsRequestor,
        Request!.CallingAeTitle,
        Request.CalledAeTitle,
        RemoteEndPoint,
        Traffic,
        acceptedContexts.Count,
        Request.PresentationContexts.Count));

    /// <summary>Logs <paramref name="report"/> and tells the observer, outside the lock.</summary>
    private void Report(AssociationEvent report)
    {
        var t = report.Traffic;
        switch (report)
        {
            case AssociationAccepted a:
                Log.AssociationAccepted(logger, a.CallingAeTitle, a.CalledAeTitle, a.RemoteEndPoint, a.AcceptedContexts, a.ProposedContexts);
                break;
            case AssociationRejected r:
                Log.AssociationRejected(logger, r.CallingAeTitle, r.CalledAeTitle, r.RemoteEndPoint, r.Rejection.Describe());
                break;
            case AssociationReleased r:
                Log.AssociationReleased(logger, r.CallingAeTitle, r.CalledAeTitle, r.RemoteEndPoint, t.PdusReceived, t.BytesReceived, t.PdusSent, t.BytesSent);
                break;
            case AssociationAborted a:
                Log.AssociationAborted(logger, a.CallingAeTitle, a.CalledAeTitle, a.RemoteEndPoint, a.Reason, a.ReceivedAbort is { } abort ? $"{abort.Source}/{abort.Reason}" : "none", t.PdusReceived, t.PdusSent);
                break;
        }

        if (options.Observer is not { } observer)
        {
            return;
        }

        try
        {
            switch (report)
            {
                case AssociationAccepted a:
                    observer.OnAccepted(a);
                    break;
                case AssociationRejected r:
                    observer.OnRejected(r);
                    break;
                case AssociationReleased r:
                    observer.OnReleased(r);
                    break;
                case AssociationAborted a:
                    observer.OnAborted(a);
                    break;
            }
        }
#pragma warning disable CA1031 // An observer that fails (a closed log pipe) must not take the association with it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ObserverFailed(logger, ex);
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

    /// <summary>Handles a PDU the pump read; returns the presentation data to deliver before the next read, if any.</summary>
    internal async ValueTask<PDataTfPdu?> HandleReceivedAsync(Pdu pdu)
    {
        await HandleAsync(EventFor(pdu), pdu).ConfigureAwait(false);
        var data = receivedData;
        receivedData = null;
        return data is not null && state != AssociationState.Sta1 ? data : null;
    }

    private async Task DispatchLoopAsync()
    {
        var token = lifetime.Token;
        try
        {
            await foreach (var indication in indications.Reader.ReadAllAsync(token).ConfigureAwait(false))
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
                        decision = await acceptor!.DecideAsync(new AssociationRequestContext(request, RemoteEndPoint) { PeerCertificate = PeerCertificate, TlsProtocol = TlsProtocol }, token).ConfigureAwait(false);
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
                    await handler.OnReleaseRequestedAsync(this, token).ConfigureAwait(false);
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

    /// <summary>Hands received presentation data to the service user, in order; its fragments may point into the reader's buffer.</summary>
    internal async Task DeliverDataAsync(PDataTfPdu data, CancellationToken token)
    {
        try
        {
            foreach (var pdv in data.Values)
            {
                if (!IsAccepted(pdv.PresentationContextId))
                {
                    throw new PduFormatException($"PDV on presentation context {pdv.PresentationContextId}, which is not accepted.", AbortReason.InvalidPduParameterValue, framingLost: false);
                }

                if (!pdv.IsCommand && handler is IDataSetFragmentSink sink && sink.ClaimsDataSet(pdv.PresentationContextId))
                {
                    await sink.OnDataSetFragmentAsync(this, pdv, token).ConfigureAwait(false);
                    continue;
                }

                var message = assembler.Add(pdv);
                if (message is not null)
                {
                    await handler.OnMessageAsync(this, message, token).ConfigureAwait(false);
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

}
