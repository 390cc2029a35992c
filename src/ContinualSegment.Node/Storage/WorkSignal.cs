using System.Collections.Concurrent;
using Dapper;
using Npgsql;

namespace ContinualSegment.Node.Storage;

/// <summary>
/// Wakes a loop when work is announced on a PostgreSQL NOTIFY channel, or after a poll interval at the latest (work
/// whose time has come announces nothing). One dedicated connection listens for the life of the signal.
/// </summary>
internal sealed class WorkSignal : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly SemaphoreSlim wake = new(0);
    private readonly ConcurrentDictionary<string, bool> notified = new(StringComparer.Ordinal);

    private WorkSignal(NpgsqlConnection connection)
    {
        this.connection = connection;
        connection.Notification += (_, e) =>
        {
            notified[e.Channel] = true;
            wake.Release();
        };
    }

    /// <summary>Listens on <paramref name="channel"/>.</summary>
    public static Task<WorkSignal> ListenAsync(NpgsqlDataSource dataSource, string channel, CancellationToken cancellationToken) =>
        ListenAsync(dataSource, [channel], cancellationToken);

    /// <summary>Listens on every channel of <paramref name="channels"/>; a notification on any of them wakes the loop.</summary>
    public static async Task<WorkSignal> ListenAsync(NpgsqlDataSource dataSource, IReadOnlyList<string> channels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var signal = new WorkSignal(connection);
        try
        {
            foreach (var channel in channels)
            {
                await connection.ExecuteAsync(new CommandDefinition($"listen {channel}", cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            return signal;
        }
        catch
        {
            await signal.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> is cancelled: claims work, does it, and when there is none waits for a
    /// notification or the poll interval. A database error while claiming is reported and tried again after the poll
    /// interval: an outage never ends the loop (nor the node).
    /// </summary>
    public Task RunAsync<T>(Func<CancellationToken, Task<T?>> claimAsync, Func<T, Task> workAsync, TimeSpan pollInterval, TimeProvider time, Action<NpgsqlException> claimFailed, CancellationToken cancellationToken)
        where T : class => RunAsync(claimAsync, workAsync, pollInterval, time, claimFailed, null, cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync{T}(Func{CancellationToken, Task{T}}, Func{T, Task}, TimeSpan, TimeProvider, Action{NpgsqlException}, CancellationToken)"/>,
    /// with <paramref name="beforeClaimAsync"/> run before every claim (after the notifications that arrived meanwhile were
    /// read, so <see cref="TakeNotified"/> sees them).
    /// </summary>
    public async Task RunAsync<T>(Func<CancellationToken, Task<T?>> claimAsync, Func<T, Task> workAsync, TimeSpan pollInterval, TimeProvider time, Action<NpgsqlException> claimFailed, Func<CancellationToken, Task>? beforeClaimAsync, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(claimAsync);
        ArgumentNullException.ThrowIfNull(workAsync);
        ArgumentNullException.ThrowIfNull(claimFailed);
        while (!cancellationToken.IsCancellationRequested)
        {
            T? item;
            try
            {
                if (beforeClaimAsync is not null)
                {
                    await PollAsync(cancellationToken).ConfigureAwait(false);
                    await beforeClaimAsync(cancellationToken).ConfigureAwait(false);
                }

                item = await claimAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException ex)
            {
                claimFailed(ex);
                item = null;
            }

            if (item is not null)
            {
                await workAsync(item).ConfigureAwait(false);
                continue;
            }

            await WaitAsync(pollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a notification arrived on <paramref name="channel"/> since the last call; clears the mark.</summary>
    public bool TakeNotified(string channel) => notified.TryRemove(channel, out _);

    /// <summary>
    /// Reads the notifications that arrived while the loop was busy (the listening connection only reads them when it is
    /// used), so that <see cref="TakeNotified"/> sees them.
    /// </summary>
    public Task PollAsync(CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("select 1", cancellationToken: cancellationToken));

    /// <summary>Returns when a notification arrived or <paramref name="pollInterval"/> passed.</summary>
    public async Task WaitAsync(TimeSpan pollInterval, TimeProvider time, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var listening = connection.WaitAsync(wait.Token);
        await Task.WhenAny(wake.WaitAsync(wait.Token), Task.Delay(pollInterval, time, wait.Token)).ConfigureAwait(false);
        await wait.CancelAsync().ConfigureAwait(false);
        try
        {
            await listening.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The wait ended: a notification, the poll interval, or shutdown.
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync().ConfigureAwait(false);
        wake.Dispose();
    }
}
