using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Storage;
using ContinualSegment.Dicom.Network.Tls;
using Microsoft.Extensions.Logging;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>
/// The service-provider side of one association: answers C-ECHO, hands C-STORE data sets streamed to a
/// temporary file to an <see cref="IDicomStoreHandler"/>, and refuses other operations with a failure status.
/// One operation at a time (asynchronous operations window 1).
/// </summary>
internal sealed class DimseServiceProvider : IAssociationHandler, IDataSetFragmentSink
{
    private readonly IDicomStoreHandler? storeHandler;
    private readonly DimseServerOptions options;
    private readonly ReceivedFileFactory files;
    private readonly ILogger logger;
    private readonly object cleanupLock = new();
    private PendingStore? store;
    private (DimseRequest Request, byte ContextId, DimseStatus Status)? refusal;

    public DimseServiceProvider(Association association, IDicomStoreHandler? storeHandler, DimseServerOptions options, ReceivedFileFactory files, ILogger logger)
    {
        this.logger = logger;
        this.storeHandler = storeHandler;
        this.options = options;
        this.files = files;
        association.Completion.ContinueWith(_ => Cleanup(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public bool ClaimsDataSet(byte presentationContextId) => this.store is { } s && s.ContextId == presentationContextId;

    public async ValueTask OnMessageAsync(Association association, PresentationDataMessage message, CancellationToken cancellationToken)
    {
        if (!message.IsCommand)
        {
            if (this.refusal is { } refusal && refusal.ContextId == message.PresentationContextId)
            {
                this.refusal = null;
                await RespondRefusalAsync(association, refusal.Request, refusal.ContextId, refusal.Status, cancellationToken).ConfigureAwait(false);
                return;
            }

            throw new DimseProtocolException("A data set arrived without a command expecting one.");
        }

        if (this.store is not null || this.refusal is not null)
        {
            throw new DimseProtocolException("A command arrived while the previous request's data set was expected.");
        }

        var decoded = DecodeOrRefuse(message.Bytes.Span);
        var contextId = message.PresentationContextId;
        var context = association.AcceptedContexts.First(c => c.Id == contextId);
        switch (decoded)
        {
            case CEchoRequest echo:
                await SendAsync(association, contextId, new CEchoResponse
                {
                    MessageIdBeingRespondedTo = echo.MessageId,
                    AffectedSopClassUid = echo.AffectedSopClassUid,
                    Status = DimseStatus.Success,
                }, cancellationToken).ConfigureAwait(false);
                break;
            case CStoreRequest store when this.storeHandler is not null:
                this.store = new PendingStore(store, contextId, context.TransferSyntax, association)
                {
                    Status = store.AffectedSopClassUid != context.AbstractSyntax ? DimseStatus.SopClassNotSupported : null,
                };
                break;
            case CCancelRequest:
                break;
            case DimseRequest request:
                var status = request is CStoreRequest or CFindRequest or CMoveRequest ? DimseStatus.SopClassNotSupported : DimseStatus.UnrecognizedOperation;
                if (request.HasDataSet)
                {
                    this.refusal = (request, contextId, status);
                }
                else
                {
                    await RespondRefusalAsync(association, request, contextId, status, cancellationToken).ConfigureAwait(false);
                }

                break;
            default:
                throw new DimseProtocolException($"Unexpected {decoded.CommandField} on the service-provider side.");
        }
    }

    public async ValueTask OnDataSetFragmentAsync(Association association, PresentationDataValue fragment, CancellationToken cancellationToken)
    {
        var store = this.store!;

        // The association's end (ARTIM, an abort, disposal) may clean up from another thread between two fragments:
        // the lock orders the two, and an abandoned store is neither reopened nor handed to the handler, so a
        // truncated data set never reaches its final name.
        lock (cleanupLock)
        {
            if (store.Abandoned)
            {
                return;
            }

            if (store.Status is null)
            {
                WriteFragment(store, fragment);
            }

            if (!fragment.IsLastFragment)
            {
                return;
            }

            // Complete: from here on the store is this thread's alone, the association's cleanup no longer sees it.
            this.store = null;
        }

        try
        {
            var status = store.Status ?? await InvokeHandlerAsync(store, cancellationToken).ConfigureAwait(false);
            await SendAsync(association, store.ContextId, new CStoreResponse
            {
                MessageIdBeingRespondedTo = store.Request.MessageId,
                AffectedSopClassUid = store.Request.AffectedSopClassUid,
                AffectedSopInstanceUid = store.Request.AffectedSopInstanceUid,
                Status = status,
                ErrorComment = status.IsFailure ? store.ErrorComment : null,
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            store.CloseAndDelete();
        }
    }

    public ValueTask OnReleaseRequestedAsync(Association association, CancellationToken cancellationToken)
    {
        Cleanup();
        return ValueTask.CompletedTask;
    }

    private static DimseMessage DecodeOrRefuse(ReadOnlySpan<byte> command) => DimseMessageCodec.Decode(command);

    private static async ValueTask RespondRefusalAsync(Association association, DimseRequest request, byte contextId, DimseStatus status, CancellationToken cancellationToken)
    {
        DimseResponse response = request switch
        {
            CStoreRequest s => new CStoreResponse { MessageIdBeingRespondedTo = s.MessageId, AffectedSopClassUid = s.AffectedSopClassUid, AffectedSopInstanceUid = s.AffectedSopInstanceUid, Status = status },
            CFindRequest f => new CFindResponse { MessageIdBeingRespondedTo = f.MessageId, AffectedSopClassUid = f.AffectedSopClassUid, Status = status },
            CMoveRequest m => new CMoveResponse { MessageIdBeingRespondedTo = m.MessageId, AffectedSopClassUid = m.AffectedSopClassUid, Status = status },
            _ => new CEchoResponse { MessageIdBeingRespondedTo = request.MessageId, AffectedSopClassUid = request.AffectedSopClassUid, Status = status },
        };
        await SendAsync(association, contextId, response, cancellationToken).ConfigureAwait(false);
    }

    private static Task SendAsync(Association association, byte contextId, DimseMessage message, CancellationToken cancellationToken) =>
        association.SendMessageAsync(contextId, DimseMessageCodec.Encode(message), null, cancellationToken);

    private void WriteFragment(PendingStore store, PresentationDataValue fragment)
    {
        try
        {
            if (store.Length + fragment.Data.Length > this.options.MaxDataSetLength)
            {
                store.Status = DimseStatus.OutOfResources;
                store.ErrorComment = "Data set exceeds the size limit.";
                store.CloseAndDelete();
                LogRefused(store);
                return;
            }

            if (store.File is null)
            {
                OpenTemp(store);
            }

            // Writes go to the page cache: a synchronous write is cheaper than a thread-pool hop.
            store.Write(fragment.Data);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            store.Status = DimseStatus.OutOfResources;
            store.ErrorComment = ex.Message;
            store.CloseAndDelete();
            LogRefused(store);
        }
    }

    private void LogRefused(PendingStore store) =>
        Log.StoreDataSetRefused(this.logger, store.Request.AffectedSopInstanceUid, store.Association.Request?.CallingAeTitle ?? string.Empty, store.Association.RemoteEndPoint, store.Status!.Value, store.ErrorComment ?? string.Empty);

    private DimseStatus HandlerFailed(PendingStore store, Exception ex, DimseStatus status)
    {
        store.ErrorComment = ex.Message;
        Log.StoreHandlerFailed(this.logger, store.Request.AffectedSopInstanceUid, store.Association.Request?.CallingAeTitle ?? string.Empty, store.Association.RemoteEndPoint, status, ex);
        return status;
    }

    private void OpenTemp(PendingStore store)
    {
        // Each fragment is written straight from the receive buffer at its offset, the header with the first one.
        var header = Part10Header.Build(store.Request.AffectedSopClassUid, store.Request.AffectedSopInstanceUid, store.TransferSyntax, store.Association.Request?.CallingAeTitle);
        store.Attach(this.files.Create(), header);
        store.HeaderLength = header.Length;
    }

    private async ValueTask<DimseStatus> InvokeHandlerAsync(PendingStore store, CancellationToken cancellationToken)
    {
        try
        {
            if (store.File is null)
            {
                OpenTemp(store);
            }

            store.Close();
            cancellationToken.ThrowIfCancellationRequested();
            var request = store.Request;
            var association = store.Association;
            return await this.storeHandler!.StoreAsync(new DicomStoreContext
            {
                CallingAeTitle = association.Request?.CallingAeTitle ?? string.Empty,
                CalledAeTitle = association.Request?.CalledAeTitle ?? string.Empty,
                RemoteEndPoint = association.RemoteEndPoint,
                SopClassUid = request.AffectedSopClassUid,
                SopInstanceUid = request.AffectedSopInstanceUid,
                TransferSyntaxUid = store.TransferSyntax,
                File = store.File!,
                DataSetOffset = store.HeaderLength,
                DataSetLength = store.Length,
                Request = request,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return HandlerFailed(store, ex, DimseStatus.OutOfResources);
        }
        catch (Exception ex) when (ex is DicomException or DimseProtocolException or InvalidDataException or FormatException)
        {
            return HandlerFailed(store, ex, DimseStatus.CannotUnderstand);
        }
#pragma warning disable CA1031 // Any other handler failure is reported to the peer as a processing failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return HandlerFailed(store, ex, DimseStatus.ProcessingFailure);
        }
    }

    private void Cleanup()
    {
        lock (cleanupLock)
        {
            if (this.store is { } store)
            {
                store.Abandoned = true;
                store.CloseAndDelete();
            }
        }
    }

    private sealed class PendingStore(CStoreRequest request, byte contextId, string transferSyntax, Association association)
    {
        public CStoreRequest Request { get; } = request;

        public byte ContextId { get; } = contextId;

        public string TransferSyntax { get; } = transferSyntax;

        public Association Association { get; } = association;

        public DimseStatus? Status { get; set; }

        /// <summary>Set when the association ended while the data set was arriving: nothing more is written or handed on.</summary>
        public bool Abandoned { get; set; }

        public string? ErrorComment { get; set; }

        public ReceivedFile? File { get; private set; }

        public long HeaderLength { get; set; }

        /// <summary>Data set bytes written so far: what the file holds beyond the header.</summary>
        public long Length => File is { } file ? file.Length - HeaderLength : 0;

        private byte[]? PendingHeader { get; set; }

        /// <summary>Takes the freshly created file; the Part 10 header leaves with the first data set bytes.</summary>
        public void Attach(ReceivedFile file, byte[] header)
        {
            File = file;
            PendingHeader = header;
        }

        /// <summary>Appends bytes to the file with one write, straight from where they are.</summary>
        public void Write(ReadOnlyMemory<byte> bytes)
        {
            if (PendingHeader is { } header)
            {
                PendingHeader = null;
                File!.Append(header, bytes.Span);
                return;
            }

            File!.Append(bytes.Span, default);
        }

        /// <summary>Writes anything still pending; the file is complete and stays until the store is closed.</summary>
        public void Close()
        {
            if (PendingHeader is not null)
            {
                Write(ReadOnlyMemory<byte>.Empty);
            }

            File?.Complete();
        }

        /// <summary>Releases the file: unless the handler published it, it is gone.</summary>
        public void CloseAndDelete()
        {
            PendingHeader = null;
            var file = File;
            File = null;
            file?.Dispose();
        }
    }
}
