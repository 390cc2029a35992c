using Microsoft.Win32.SafeHandles;

namespace ContinualSegment.Dicom.Network;

/// <summary>
/// The service-provider side of one association: answers C-ECHO, hands C-STORE data sets streamed to a
/// temporary file to an <see cref="IDicomStoreHandler"/>, and refuses other operations with a failure status.
/// One operation at a time (asynchronous operations window 1).
/// </summary>
internal sealed class DimseServiceProvider : IAssociationHandler, IDataSetFragmentSink
{
    private readonly IDicomStoreHandler? _storeHandler;
    private readonly DimseServerOptions _options;
    private readonly object _cleanupLock = new();
    private PendingStore? _store;
    private (DimseRequest Request, byte ContextId, DimseStatus Status)? _refusal;

    public DimseServiceProvider(Association association, IDicomStoreHandler? storeHandler, DimseServerOptions options)
    {
        _storeHandler = storeHandler;
        _options = options;
        association.Completion.ContinueWith(_ => Cleanup(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public bool ClaimsDataSet(byte presentationContextId) => _store is { } s && s.ContextId == presentationContextId;

    public async ValueTask OnMessageAsync(Association association, PresentationDataMessage message, CancellationToken cancellationToken)
    {
        if (!message.IsCommand)
        {
            if (_refusal is { } refusal && refusal.ContextId == message.PresentationContextId)
            {
                _refusal = null;
                await RespondRefusalAsync(association, refusal.Request, refusal.ContextId, refusal.Status, cancellationToken).ConfigureAwait(false);
                return;
            }

            throw new DimseProtocolException("A data set arrived without a command expecting one.");
        }

        if (_store is not null || _refusal is not null)
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
            case CStoreRequest store when _storeHandler is not null:
                _store = new PendingStore(store, contextId, context.TransferSyntax, association)
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
                    _refusal = (request, contextId, status);
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
        var store = _store!;
        if (store.Status is null)
        {
            try
            {
                if (store.Length + fragment.Data.Length > _options.MaxDataSetLength)
                {
                    store.Status = DimseStatus.OutOfResources;
                    store.ErrorComment = "Data set exceeds the size limit.";
                    store.CloseAndDelete();
                }
                else
                {
                    if (store.File is null)
                    {
                        OpenTemp(store);
                    }

                    // Writes go to the page cache: a synchronous write is cheaper than a thread-pool hop.
                    store.Write(fragment.Data);
                    store.Length += fragment.Data.Length;
                }
            }
            catch (IOException ex)
            {
                store.Status = DimseStatus.OutOfResources;
                store.ErrorComment = ex.Message;
                store.CloseAndDelete();
            }
        }

        if (!fragment.IsLastFragment)
        {
            return;
        }

        _store = null;
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

    private void OpenTemp(PendingStore store)
    {
        var directory = _options.TempDirectory ?? Path.GetTempPath();
        store.Path = Path.Combine(directory, "cseg-store-" + Guid.NewGuid().ToString("N") + ".part");

        // A bare handle written at explicit offsets (no stream position, no share-mode probing of the file
        // system); each fragment is written straight from the receive buffer, the header with the first one.
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(store.Path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(directory);
            file = File.OpenHandle(store.Path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }

        var header = Part10Header.Build(store.Request.AffectedSopClassUid, store.Request.AffectedSopInstanceUid, store.TransferSyntax, store.Association.Request?.CallingAeTitle);
        store.Attach(file, header);
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
            var request = store.Request;
            var association = store.Association;
            return await _storeHandler!.StoreAsync(new DicomStoreContext
            {
                CallingAeTitle = association.Request?.CallingAeTitle ?? string.Empty,
                CalledAeTitle = association.Request?.CalledAeTitle ?? string.Empty,
                RemoteEndPoint = association.RemoteEndPoint,
                SopClassUid = request.AffectedSopClassUid,
                SopInstanceUid = request.AffectedSopInstanceUid,
                TransferSyntaxUid = store.TransferSyntax,
                FilePath = store.Path!,
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
            store.ErrorComment = ex.Message;
            return DimseStatus.OutOfResources;
        }
        catch (Exception ex) when (ex is DicomException or DimseProtocolException or InvalidDataException or FormatException)
        {
            store.ErrorComment = ex.Message;
            return DimseStatus.CannotUnderstand;
        }
#pragma warning disable CA1031 // Any other handler failure is reported to the peer as a processing failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            store.ErrorComment = ex.Message;
            return DimseStatus.ProcessingFailure;
        }
    }

    private void Cleanup()
    {
        lock (_cleanupLock)
        {
            _store?.CloseAndDelete();
        }
    }

    private sealed class PendingStore(CStoreRequest request, byte contextId, string transferSyntax, Association association)
    {
        public CStoreRequest Request { get; } = request;

        public byte ContextId { get; } = contextId;

        public string TransferSyntax { get; } = transferSyntax;

        public Association Association { get; } = association;

        public DimseStatus? Status { get; set; }

        public string? ErrorComment { get; set; }

        public SafeFileHandle? File { get; private set; }

        public string? Path { get; set; }

        public long HeaderLength { get; set; }

        public long Length { get; set; }

        private byte[]? PendingHeader { get; set; }

        private long Written { get; set; }

        /// <summary>Takes the freshly created file; the Part 10 header leaves with the first data set bytes.</summary>
        public void Attach(SafeFileHandle file, byte[] header)
        {
            File = file;
            PendingHeader = header;
            Written = 0;
        }

        /// <summary>Appends bytes to the file with one positioned write, straight from where they are.</summary>
        public void Write(ReadOnlyMemory<byte> bytes)
        {
            if (PendingHeader is { } header)
            {
                RandomAccess.Write(File!, [header, bytes], Written);
                Written += header.Length + bytes.Length;
                PendingHeader = null;
                return;
            }

            RandomAccess.Write(File!, bytes.Span, Written);
            Written += bytes.Length;
        }

        /// <summary>Writes anything still pending and closes the file (it stays on disk).</summary>
        public void Close()
        {
            if (PendingHeader is not null)
            {
                Write(ReadOnlyMemory<byte>.Empty);
            }

            File?.Dispose();
            File = null;
        }

        public void CloseAndDelete()
        {
            try
            {
                PendingHeader = null;
                File?.Dispose();
                File = null;
                if (Path is not null)
                {
                    // Nothing to do when the handler moved the file away.
                    System.IO.File.Delete(Path);
                }
            }
            catch (IOException)
            {
                // Best effort: a temporary file that cannot be removed is left behind.
            }
        }
    }
}
