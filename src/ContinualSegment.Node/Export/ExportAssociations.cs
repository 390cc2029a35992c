using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Node.Export;

/// <summary>
/// The exporter's associations, reused between deliveries: after a delivery the association to its destination stays
/// open for <see cref="ExportOptions.AssociationIdleTime"/>, and the next delivery to that destination needing the same
/// presentation contexts goes over it instead of opening another. An association idle for longer is released; one the
/// peer closed in the meantime is noticed on the first store and the delivery goes over a new association at once.
/// </summary>
internal sealed class ExportAssociations : IAsyncDisposable
{
    private readonly TimeSpan idle;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<string, Held> held = new(StringComparer.Ordinal);
    private readonly ITimer? sweeper;

    public ExportAssociations(TimeSpan idle, TimeProvider time)
    {
        this.idle = idle;
        this.time = time;
        if (idle > TimeSpan.Zero)
        {
            sweeper = time.CreateTimer(_ => _ = ReleaseIdleAsync(), null, idle, idle);
        }
    }

    /// <summary>Sends the files to the named destination; <c>Reused</c> says whether an open association carried them.</summary>
    public async Task<(IReadOnlyList<DicomStoreResult> Results, bool Reused)> SendAsync(string destination, DicomClientOptions options, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var files = DicomClient.Inspect(paths);
        var results = new List<DicomStoreResult>(files.Unreadable);
        if (files.Readable.Count == 0)
        {
            return (results, false);
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (held.Remove(destination, out var open))
            {
                if (open.Key == files.ContextKey && time.GetUtcNow() - open.LastUsed < idle)
                {
                    try
                    {
                        var sent = await StoreAllAsync(open.Client, files.Readable, cancellationToken).ConfigureAwait(false);
                        results.AddRange(sent);
                        await KeepAsync(destination, open.Client, files.ContextKey, sent).ConfigureAwait(false);
                        return (results, true);
                    }
                    catch (Exception ex) when (IsConnectionLoss(ex))
                    {
                        // The peer closed it while it was held: send over a new association below.
                        await open.Client.DisposeAsync().ConfigureAwait(false);
                    }
                }
                else
                {
                    await ReleaseAsync(open.Client).ConfigureAwait(false);
                }
            }

            var client = await DicomClient.ConnectAsync(options, DicomClient.ProposeContexts(files.Contexts), cancellationToken).ConfigureAwait(false);
            try
            {
                var sent = await StoreAllAsync(client, files.Readable, cancellationToken).ConfigureAwait(false);
                results.AddRange(sent);
                await KeepAsync(destination, client, files.ContextKey, sent).ConfigureAwait(false);
                return (results, false);
            }
            catch
            {
                await client.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (sweeper is not null)
        {
            await sweeper.DisposeAsync().ConfigureAwait(false);
        }

        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var open in held.Values)
            {
                await ReleaseAsync(open.Client).ConfigureAwait(false);
            }

            held.Clear();
        }
        finally
        {
            gate.Release();
        }

        gate.Dispose();
    }

    private static async Task<List<DicomStoreResult>> StoreAllAsync(DicomClient client, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var sent = new List<DicomStoreResult>();
        foreach (var path in paths)
        {
            sent.Add(await client.StoreFileAsync(path, cancellationToken).ConfigureAwait(false));
        }

        return sent;
    }

    private static bool IsConnectionLoss(Exception ex) =>
        ex is IOException or System.Net.Sockets.SocketException or AssociationAbortedException or ObjectDisposedException;

    private static async Task ReleaseAsync(DicomClient client)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.ReleaseAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionLoss(ex) || ex is OperationCanceledException or TimeoutException or DimseProtocolException)
        {
            // Gone already or not answering: closing it is all that is left.
        }

        await client.DisposeAsync().ConfigureAwait(false);
    }

    // Held only when every file went through and reuse is on; otherwise released now.
    private async Task KeepAsync(string destination, DicomClient client, string key, IReadOnlyList<DicomStoreResult> sent)
    {
        if (idle > TimeSpan.Zero && sent.All(r => r.Status is not null))
        {
            held[destination] = new Held(client, key, time.GetUtcNow());
        }
        else
        {
            await ReleaseAsync(client).ConfigureAwait(false);
        }
    }

    private async Task ReleaseIdleAsync()
    {
        if (!await gate.WaitAsync(0).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            var now = time.GetUtcNow();
            foreach (var (destination, open) in held.Where(h => now - h.Value.LastUsed >= idle).ToList())
            {
                held.Remove(destination);
                await ReleaseAsync(open.Client).ConfigureAwait(false);
            }
        }
        catch (ObjectDisposedException)
        {
            // Disposed while a tick was pending.
        }
        finally
        {
            gate.Release();
        }
    }

    private sealed record Held(DicomClient Client, string Key, DateTimeOffset LastUsed);
}
