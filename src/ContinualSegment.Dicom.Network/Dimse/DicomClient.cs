using System.Runtime.CompilerServices;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.StateMachine;
using ContinualSegment.Dicom.Network.Tls;
using Microsoft.Extensions.Logging;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>
/// DIMSE service user over one association: C-ECHO, C-STORE (with transcoding between uncompressed transfer
/// syntaxes), C-FIND, C-MOVE and C-CANCEL. One operation is outstanding at a time (asynchronous operations
/// window 1); operations on one client are serialized.
/// </summary>
public sealed class DicomClient : IAsyncDisposable
{
    private static readonly string[] UncompressedPreference =
    [
        DicomUids.ExplicitVRLittleEndian,
        DicomUids.ImplicitVRLittleEndian,
        DicomUids.ExplicitVRBigEndian,
        DicomUids.DeflatedExplicitVRLittleEndian,
    ];

    private readonly Association association;
    private readonly DimseClientHandler handler;
    private readonly DicomClientOptions options;
    private readonly SemaphoreSlim operation = new(1, 1);
    private readonly DicomTlsContext? tls;
    private int nextMessageId;

    private DicomClient(Association association, DimseClientHandler handler, DicomClientOptions options, DicomTlsContext? tls)
    {
        this.association = association;
        this.tls = tls;
        this.handler = handler;
        this.options = options;
        association.Completion.ContinueWith(
            t => handler.Complete(new AssociationAbortedException(t.IsCompletedSuccessfully ? t.Result : AssociationEndReason.ProviderAbort, association.ReceivedAbort)),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>The association.</summary>
    public Association Association => this.association;

    /// <summary>Opens an association proposing <paramref name="contexts"/>.</summary>
    public static async Task<DicomClient> ConnectAsync(DicomClientOptions options, IReadOnlyList<PresentationContextProposal> contexts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(contexts);
        options.Validate();
        var handler = new DimseClientHandler();
        var request = new AssociateRequestPdu
        {
            CalledAeTitle = options.CalledAeTitle,
            CallingAeTitle = options.CallingAeTitle,
            PresentationContexts = contexts,
            UserInformation = new UserInformation { UserIdentity = options.UserIdentity },
        };
        var tls = options.Tls is null ? null : DicomTlsContext.Create(options.Tls, isServer: false, options.UpperLayer.TimeProvider, options.UpperLayer.LoggerFactory.CreateLogger<DicomTlsContext>());
        try
        {
            var association = await Association.ConnectAsync(options.Host, options.Port, request, handler, options.UpperLayer, tls, cancellationToken).ConfigureAwait(false);
            return new DicomClient(association, handler, options, tls);
        }
        catch
        {
            tls?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Proposals for the given abstract syntaxes: per abstract syntax one context offering Explicit and Implicit VR
    /// Little Endian, plus one context for each other transfer syntax paired with it (e.g. a compressed file's).
    /// </summary>
    public static IReadOnlyList<PresentationContextProposal> ProposeContexts(IEnumerable<(string AbstractSyntax, string TransferSyntax)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var proposals = new List<PresentationContextProposal>();
        var seen = new HashSet<(string, string)>();
        byte id = 1;
        foreach (var (abstractSyntax, transferSyntax) in pairs)
        {
            UidRules.Validate(abstractSyntax, nameof(pairs));
            UidRules.Validate(transferSyntax, nameof(pairs));
            if (seen.Add((abstractSyntax, "uncompressed")))
            {
                Add([DicomUids.ExplicitVRLittleEndian, DicomUids.ImplicitVRLittleEndian]);
            }

            if (transferSyntax is not DicomUids.ExplicitVRLittleEndian and not DicomUids.ImplicitVRLittleEndian && seen.Add((abstractSyntax, transferSyntax)))
            {
                Add([transferSyntax]);
            }

            void Add(IReadOnlyList<string> syntaxes)
            {
                if (proposals.Count >= 128)
                {
                    throw new ArgumentException("More than 128 presentation contexts would be needed.", nameof(pairs));
                }

                proposals.Add(new PresentationContextProposal(id, abstractSyntax, syntaxes));
                id += 2;
            }
        }

        return proposals;
    }

    /// <summary>Proposals for abstract syntaxes with Explicit and Implicit VR Little Endian.</summary>
    public static IReadOnlyList<PresentationContextProposal> ProposeContexts(params string[] abstractSyntaxes)
    {
        ArgumentNullException.ThrowIfNull(abstractSyntaxes);
        return ProposeContexts(abstractSyntaxes.Select(a => (a, DicomUids.ExplicitVRLittleEndian)));
    }

    /// <summary>
    /// Sends every file over one association whose contexts are proposed from the files' SOP classes and transfer
    /// syntaxes. Files that cannot be read or sent get a result with an error; the others the peer's status.
    /// </summary>
    public static async Task<IReadOnlyList<DicomStoreResult>> SendFilesAsync(DicomClientOptions options, IReadOnlyList<string> paths, IProgress<DicomStoreResult>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var files = Inspect(paths);
        var results = new List<DicomStoreResult>();
        foreach (var unreadable in files.Unreadable)
        {
            Report(unreadable);
        }

        if (files.Readable.Count == 0)
        {
            return results;
        }

        var client = await ConnectAsync(options, ProposeContexts(files.Contexts), cancellationToken).ConfigureAwait(false);
        await using (client.ConfigureAwait(false))
        {
            foreach (var path in files.Readable)
            {
                Report(await client.StoreFileAsync(path, cancellationToken).ConfigureAwait(false));
            }

            await client.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        }

        return results;

        void Report(DicomStoreResult result)
        {
            results.Add(result);
            progress?.Report(result);
        }
    }

    /// <summary>Reads the files' headers: the contexts to propose for them, the readable ones, an error result for each other.</summary>
    public static DicomFilesToSend Inspect(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var pairs = new List<(string, string)>();
        var readable = new List<string>();
        var unreadable = new List<DicomStoreResult>();
        foreach (var path in paths)
        {
            try
            {
                var header = DicomFile.Open(path, new DicomReadOptions { StopBeforeTag = DicomTags.AcquisitionUID });
                pairs.Add((SopClassOf(header), header.TransferSyntax.Uid));
                readable.Add(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DicomException or ArgumentException)
            {
                unreadable.Add(new DicomStoreResult(path, null, null, $"Cannot read {path}: {ex.Message}", 0));
            }
        }

        var contexts = pairs.Distinct().OrderBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Item2, StringComparer.Ordinal).ToList();
        return new DicomFilesToSend(contexts, readable, unreadable);
    }

    /// <summary>Sends C-ECHO and returns the response status.</summary>
    public async Task<DimseStatus> EchoAsync(CancellationToken cancellationToken)
    {
        await operation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var context = RequireContext(DicomUids.Verification);
            var id = NextMessageId();
            await SendAsync(context.Id, new CEchoRequest { MessageId = id, AffectedSopClassUid = DicomUids.Verification }, null, cancellationToken).ConfigureAwait(false);
            var response = await ReceiveResponseAsync<CEchoResponse>(id, cancellationToken).ConfigureAwait(false);
            return response.Message.Status;
        }
        finally
        {
            operation.Release();
        }
    }

    /// <summary>
    /// Sends a Part 10 file with C-STORE. When a context was accepted for the file's SOP class in the transfer syntax the
    /// file is stored in, the data set's bytes are sent as they are on disk (not parsed and encoded again: a deflated
    /// file is not inflated and deflated anew); otherwise the file is read and sent as <see cref="StoreAsync"/> does.
    /// </summary>
    public async Task<DicomStoreResult> StoreFileAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (AsStored(path) is { } stored)
        {
            return await SendStoreAsync(stored.Context, stored.SopClass, stored.SopInstance, stored.DataSet, path, cancellationToken).ConfigureAwait(false);
        }

        DicomFile file;
        try
        {
            file = await DicomFile.OpenAsync(path, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DicomException)
        {
            return new DicomStoreResult(path, null, null, $"Cannot read {path}: {ex.Message}", 0);
        }

        return await StoreAsync(file, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends one instance with C-STORE on a context accepted for its SOP class: in the file's transfer syntax when
    /// accepted, else transcoded to an accepted uncompressed syntax (encapsulated pixel data is decompressed only for lossless monochrome images whose syntax the core codecs decode; other
    /// instances fail with an error result).
    /// </summary>
    public async Task<DicomStoreResult> StoreAsync(DicomFile file, string? sourcePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        string sopClass, sopInstance;
        try
        {
            sopClass = SopClassOf(file);
            sopInstance = file.Dataset.GetStringOrDefault(DicomTags.SOPInstanceUID, file.FileMetaInformation.GetStringOrDefault(DicomTags.MediaStorageSOPInstanceUID));
            if (!DicomUid.IsValid(sopInstance))
            {
                return new DicomStoreResult(sourcePath, null, null, "The instance has no valid SOP Instance UID.", 0);
            }
        }
        catch (DicomException ex)
        {
            return new DicomStoreResult(sourcePath, null, null, ex.Message, 0);
        }

        var candidates = this.association.AcceptedContexts.Where(c => c.AbstractSyntax == sopClass).ToList();
        if (candidates.Count == 0)
        {
            return new DicomStoreResult(sourcePath, sopInstance, null, $"The peer accepted no presentation context for SOP class {sopClass}.", 0);
        }

        var dataset = file.Dataset;
        var context = candidates.FirstOrDefault(c => c.TransferSyntax == file.TransferSyntax.Uid);
        if (context is null)
        {
            if (file.TransferSyntax.IsEncapsulated)
            {
                string? error = null;
                var native = candidates.Any(c => c.TransferSyntax is DicomUids.ExplicitVRLittleEndian or DicomUids.ImplicitVRLittleEndian)
                    ? PixelDataDecompressor.TryDecompress(file.Dataset, file.TransferSyntax.Uid, out error)
                    : null;
                if (native is null)
                {
                    return new DicomStoreResult(sourcePath, sopInstance, null,
                        $"The peer accepted only {string.Join(", ", candidates.Select(c => c.TransferSyntax))} for {sopClass}; the instance is encoded in {file.TransferSyntax.Uid}: {error ?? "no uncompressed little endian context to decompress to"}.", 0);
                }

                dataset = native;
            }

            context = UncompressedPreference.Select(ts => candidates.FirstOrDefault(c => c.TransferSyntax == ts)).FirstOrDefault(c => c is not null);
            if (context is null)
            {
                return new DicomStoreResult(sourcePath, sopInstance, null,
                    $"The peer accepted only {string.Join(", ", candidates.Select(c => c.TransferSyntax))} for {sopClass}; transcoding from {file.TransferSyntax} to a compressed syntax is not supported.", 0);
            }
        }

        byte[] dataSet;
        try
        {
            dataSet = DicomDatasetWriter.ToBytes(dataset, DicomTransferSyntax.FromUid(context.TransferSyntax));
        }
        catch (DicomException ex)
        {
            return new DicomStoreResult(sourcePath, sopInstance, null, $"Cannot encode the instance in {context.TransferSyntax}: {ex.Message}", 0);
        }

        return await SendStoreAsync(context, sopClass, sopInstance, dataSet, sourcePath, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The file's context, SOP class and instance, and its data set's bytes as stored, when a context was accepted for its
    /// SOP class in its own transfer syntax and its meta information names both UIDs (for a file not deflated they are
    /// checked against its data set); null when the file must be read and encoded (or cannot be read at all).
    /// </summary>
    private (AcceptedPresentationContext Context, string SopClass, string SopInstance, byte[] DataSet)? AsStored(string path)
    {
        try
        {
            using var meta = DicomFile.OpenMetaInformation(path);
            var sopClass = meta.FileMetaInformation.GetStringOrDefault(DicomTags.MediaStorageSOPClassUID);
            var sopInstance = meta.FileMetaInformation.GetStringOrDefault(DicomTags.MediaStorageSOPInstanceUID);
            var syntax = meta.FileMetaInformation.GetStringOrDefault(DicomTags.TransferSyntaxUID);
            var context = this.association.AcceptedContexts.FirstOrDefault(c => c.AbstractSyntax == sopClass && c.TransferSyntax == syntax);
            if (context is null || !DicomUid.IsValid(sopClass) || !DicomUid.IsValid(sopInstance) || meta.TransferSyntax.Uid != syntax)
            {
                return null;
            }

            if (!meta.TransferSyntax.IsDeflated)
            {
                // Only as far as the SOP Instance UID (0008,0018): Study Date (0008,0020) follows it in every data set.
                using var header = DicomFile.Open(path, new DicomReadOptions { StopBeforeTag = DicomTags.StudyDate });
                if (header.Dataset.GetStringOrDefault(DicomTags.SOPClassUID) != sopClass || header.Dataset.GetStringOrDefault(DicomTags.SOPInstanceUID) != sopInstance)
                {
                    return null;
                }
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            stream.Position = meta.DataSetOffset;
            var dataSet = GC.AllocateUninitializedArray<byte>(checked((int)(stream.Length - meta.DataSetOffset)));
            stream.ReadExactly(dataSet);
            return (context, sopClass, sopInstance, dataSet);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DicomException or OverflowException)
        {
            // Read and encoded the usual way, which reports what is wrong with the file.
            return null;
        }
    }

    /// <summary>C-STORE of an encoded data set on <paramref name="context"/>, retried as the options say.</summary>
    private async Task<DicomStoreResult> SendStoreAsync(AcceptedPresentationContext context, string sopClass, string sopInstance, byte[] dataSet, string? sourcePath, CancellationToken cancellationToken)
    {
        await operation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var id = NextMessageId();
                var request = new CStoreRequest { MessageId = id, AffectedSopClassUid = sopClass, AffectedSopInstanceUid = sopInstance };
                await SendAsync(context.Id, request, dataSet, cancellationToken).ConfigureAwait(false);
                var response = (await ReceiveResponseAsync<CStoreResponse>(id, cancellationToken).ConfigureAwait(false)).Message;
                var status = response.Status;
                if (status.IsFailure && attempt < this.options.MaxStoreAttempts && this.options.StoreRetryPolicy is { } retry && retry(status, attempt))
                {
                    await Task.Delay(this.options.RetryDelay, this.options.UpperLayer.TimeProvider, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                return new DicomStoreResult(sourcePath, sopInstance, status, status.IsFailure ? response.ErrorComment ?? status.Description : null, attempt);
            }
        }
        finally
        {
            operation.Release();
        }
    }

    /// <summary>
    /// Sends C-FIND and yields the identifier of every pending response. A failure status ends the enumeration
    /// with <see cref="DimseStatusException"/>. Cancelling the token, or leaving the enumeration early, sends
    /// C-CANCEL and waits for the final response.
    /// </summary>
    public async IAsyncEnumerable<DicomDataset> FindAsync(string sopClassUid, DicomDataset identifier, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sopClassUid);
        ArgumentNullException.ThrowIfNull(identifier);
        await operation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var context = RequireContext(sopClassUid);
            var ts = DicomTransferSyntax.FromUid(context.TransferSyntax);
            var id = NextMessageId();
            await SendAsync(context.Id, new CFindRequest { MessageId = id, AffectedSopClassUid = sopClassUid }, DicomDatasetWriter.ToBytes(identifier, ts), cancellationToken).ConfigureAwait(false);
            var finished = false;
            try
            {
                while (true)
                {
                    if (await ReceiveOrCancelAsync<CFindResponse>(context.Id, id, cancellationToken).ConfigureAwait(false) is not { } received)
                    {
                        finished = true;
                        cancellationToken.ThrowIfCancellationRequested();
                        yield break;
                    }

                    var status = received.Message.Status;
                    if (status.IsPending)
                    {
                        if (received.DataSet is { } bytes)
                        {
                            yield return DicomDatasetReader.Read(bytes, ts);
                        }

                        continue;
                    }

                    finished = true;
                    if (status.IsFailure || status.Category == DimseStatusCategory.Cancel)
                    {
                        throw new DimseStatusException(status, received.Message.ErrorComment);
                    }

                    yield break;
                }
            }
            finally
            {
                if (!finished && this.association.State == AssociationState.Sta6)
                {
                    await CancelAndDrainAsync(context.Id, id).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            operation.Release();
        }
    }

    /// <summary>
    /// Sends C-MOVE (the sub-operations go to <paramref name="destinationAeTitle"/>), reports each pending response
    /// and returns the final status and counts. Cancelling sends C-CANCEL, waits for the final response and throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<DicomMoveResult> MoveAsync(string sopClassUid, string destinationAeTitle, DicomDataset identifier, IProgress<CMoveResponse>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sopClassUid);
        ArgumentNullException.ThrowIfNull(identifier);
        AeTitle.Validate(destinationAeTitle, nameof(destinationAeTitle));
        await operation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var context = RequireContext(sopClassUid);
            var ts = DicomTransferSyntax.FromUid(context.TransferSyntax);
            var id = NextMessageId();
            var request = new CMoveRequest { MessageId = id, AffectedSopClassUid = sopClassUid, MoveDestination = destinationAeTitle };
            await SendAsync(context.Id, request, DicomDatasetWriter.ToBytes(identifier, ts), cancellationToken).ConfigureAwait(false);
            var pending = 0;
            while (true)
            {
                var received = await ReceiveOrCancelAsync<CMoveResponse>(context.Id, id, cancellationToken).ConfigureAwait(false);
                if (received is null)
                {
                    throw new OperationCanceledException("The C-MOVE was cancelled.", cancellationToken);
                }

                var response = received.Value.Message;
                if (response.Status.IsPending)
                {
                    pending++;
                    progress?.Report(response);
                    continue;
                }

                return new DicomMoveResult(response.Status, response.Completed ?? 0, response.Failed ?? 0, response.Warning ?? 0, response.ErrorComment)
                {
                    FinalResponse = response,
                    PendingResponses = pending,
                };
            }
        }
        finally
        {
            operation.Release();
        }
    }

    /// <summary>Releases the association.</summary>
    public Task ReleaseAsync(CancellationToken cancellationToken) => this.association.ReleaseAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await this.association.DisposeAsync().ConfigureAwait(false);
        operation.Dispose();
        this.tls?.Dispose();
    }

    private static string SopClassOf(DicomFile file)
    {
        var sopClass = file.FileMetaInformation.GetStringOrDefault(DicomTags.MediaStorageSOPClassUID);
        if (sopClass.Length == 0)
        {
            sopClass = file.Dataset.GetStringOrDefault(DicomTags.SOPClassUID);
        }

        if (!DicomUid.IsValid(sopClass))
        {
            throw new DicomException("The instance has no valid SOP Class UID.");
        }

        return sopClass;
    }

    private AcceptedPresentationContext RequireContext(string abstractSyntax) =>
        this.association.FindAcceptedContext(abstractSyntax)
        ?? throw new InvalidOperationException($"The peer accepted no presentation context for {abstractSyntax}.");

    private ushort NextMessageId()
    {
        var next = Interlocked.Increment(ref nextMessageId);
        return (ushort)(((next - 1) % 65535) + 1);
    }

    private Task SendAsync(byte contextId, DimseMessage message, ReadOnlyMemory<byte>? dataSet, CancellationToken cancellationToken) =>
        this.association.SendMessageAsync(contextId, DimseMessageCodec.Encode(message), dataSet, cancellationToken);

    private async Task<(T Message, ReadOnlyMemory<byte>? DataSet)> ReceiveResponseAsync<T>(ushort messageId, CancellationToken cancellationToken)
        where T : DimseResponse
    {
        using var timeout = new CancellationTokenSource(this.options.DimseTimeout, this.options.UpperLayer.TimeProvider);
        using var link = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeout);
        DimseReceivedMessage received;
        try
        {
            received = await this.handler.Received.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await this.association.AbortAsync().ConfigureAwait(false);
            throw new TimeoutException($"No DIMSE response within {this.options.DimseTimeout}; the association was aborted.");
        }
        catch (System.Threading.Channels.ChannelClosedException closed) when (closed.InnerException is AssociationAbortedException ended)
        {
            // The association ended while a response was awaited (the peer aborted, the connection dropped): said as such.
            throw new AssociationAbortedException(ended.EndReason, ended.Abort);
        }

        if (received.Message is not T response || response.MessageIdBeingRespondedTo != messageId)
        {
            await this.association.AbortAsync().ConfigureAwait(false);
            throw new DimseProtocolException($"Expected a {typeof(T).Name} to message {messageId}, received {received.Message.CommandField}.");
        }

        return (response, received.DataSet);
    }

    /// <summary>The next response, or null when the token was cancelled (C-CANCEL sent and the final response drained).</summary>
    private async Task<(T Message, ReadOnlyMemory<byte>? DataSet)?> ReceiveOrCancelAsync<T>(byte contextId, ushort messageId, CancellationToken cancellationToken)
        where T : DimseResponse
    {
        try
        {
            return await ReceiveResponseAsync<T>(messageId, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await CancelAndDrainAsync(contextId, messageId).ConfigureAwait(false);
            return null;
        }
    }

    private async Task CancelAndDrainAsync(byte contextId, ushort messageId)
    {
        using var timeout = new CancellationTokenSource(this.options.CancelTimeout, this.options.UpperLayer.TimeProvider);
        try
        {
            await SendAsync(contextId, new CCancelRequest { MessageIdBeingRespondedTo = messageId }, null, timeout.Token).ConfigureAwait(false);
            while (true)
            {
                var received = await this.handler.Received.ReadAsync(timeout.Token).ConfigureAwait(false);
                if (received.Message is DimseResponse response && response.MessageIdBeingRespondedTo == messageId && !response.Status.IsPending)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException or AssociationAbortedException or InvalidOperationException)
        {
            await this.association.AbortAsync().ConfigureAwait(false);
        }
    }
}
