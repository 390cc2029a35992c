using System.Collections.Concurrent;
using Dapper;
using Npgsql;

namespace ContinualSegment.Node.Storage;

/// <summary>
/// Wakes a loop when work is announced on a PostgreSQL NOTIFY channel, or after a poll interval at the latest (work
/// whose time has come announces nothing). One dedicated connection listens; when it breaks (the server restarted, a
/// failover, a network cut) the loop goes on polling and listens again on a new connection as soon as it can, treating
/// every channel as notified since nothing was heard in between.
/// </summary>
internal sealed class WorkSignal : IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly IReadOnlyList<string> channels;
    private readonly SemaphoreSlim wake = new(0);
    private readonly ConcurrentDictionary<string, bool> notified = new(StringComparer.Ordinal);
    private NpgsqlConnection? connection;

    private WorkSignal(NpgsqlDataSource dataSource, IReadOnlyList<string> channels)
    {
        this.dataSource = dataSource;
        this.channels = channels;
    }

    /// <summary>How many times the listening connection was opened again after it broke.</summary>
    public int Reconnections { get; private set; }

    /// <summary>Listens on <paramref name="channel"/>.</summary>
    public static Task<WorkSignal> ListenAsync(NpgsqlDataSource dataSource, string channel, CancellationToken cancellationToken) =>
        ListenAsync(dataSource, [channel], cancellationToken);

    /// <summary>Listens on every channel of <paramref name="channels"/>; a notification on any of them wakes the loop.</summary>
    public static async Task<WorkSignal> ListenAsync(NpgsqlDataSource dataSource, IReadOnlyList<string> channels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(channels);
        var signal = new WorkSignal(dataSource, [.. channels]);
        await signal.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return signal;
    }

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> is cancelled: claims work, does it, and when there is none waits for a
    /// notification or the poll interval. An error while claiming (the database unreachable) is reported and tried again
    /// after the poll interval; an error that escapes the work is reported and the loop goes on: neither ends the loop
    /// (nor the node).
    /// </summary>
    public Task RunAsync<T>(Func<CancellationToken, Task<T?>> claimAsync, Func<T, Task> workAsync, TimeSpan pollInterval, TimeProvider time, Action<Exception> claimFailed, Action<T, Exception> workFailed, CancellationToken cancellationToken)
        where T : class => RunAsync(claimAsync, workAsync, pollInterval, time, claimFailed, workFailed, null, cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync{T}(Func{CancellationToken, Task{T}}, Func{T, Task}, TimeSpan, TimeProvider, Action{Exception}, Action{T, Exception}, CancellationToken)"/>,
    /// with <paramref name="beforeClaimAsync"/> run before every claim (after the notifications that arrived meanwhile were
    /// read, so <see cref="TakeNotified"/> sees them); its errors count as the claim's.
    /// </summary>
    public async Task RunAsync<T>(Func<CancellationToken, Task<T?>> claimAsync, Func<T, Task> workAsync, TimeSpan pollInterval, TimeProvider time, Action<Exception> claimFailed, Action<T, Exception> workFailed, Func<CancellationToken, Task>? beforeClaimAsync, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(claimAsync);
        ArgumentNullException.ThrowIfNull(workAsync);
        ArgumentNullException.ThrowIfNull(claimFailed);
        ArgumentNullException.ThrowIfNull(workFailed);
        while (!cancellationToken.IsCancellationRequested)
        {
            T? item;
            try
            {
                await EnsureListeningAsync(cancellationToken).ConfigureAwait(false);
                if (beforeClaimAsync is not null)
                {
                    await PollAsync(cancellationToken).ConfigureAwait(false);
                    await beforeClaimAsync(cancellationToken).ConfigureAwait(false);
                }

                item = await claimAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                claimFailed(ex);
                item = null;
            }

            if (item is not null)
            {
                try
                {
                    await workAsync(item).ConfigureAwait(false);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // The work could not settle its item (e.g. the database went away while it recorded the outcome): the
                    // item's lease runs out and it is claimed again; the loop itself goes on.
                    workFailed(item, ex);
                }

                continue;
            }

            await WaitAsync(pollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a notification arrived on <paramref name="channel"/> since the last call; clears the mark.</summary>
    public bool TakeNotified(string channel) => notified.TryRemove(channel, out _);

    /// <summary>
    /// Reads the notifications that arrived while the loop was busy (the listening connection only reads them when it is
    /// used), so that <see cref="TakeNotified"/> sees them; listens again first when the connection was lost.
    /// </summary>
    /// <exception cref="NpgsqlException">The database cannot be reached (the connection is dropped and opened again next time).</exception>
    public async Task PollAsync(CancellationToken cancellationToken)
    {
        await EnsureListeningAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection!.ExecuteAsync(new CommandDefinition("select 1", cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsLost(ex, cancellationToken))
        {
            await DropAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Returns when a notification arrived or <paramref name="pollInterval"/> passed (also when the listening connection is lost).</summary>
    public async Task WaitAsync(TimeSpan pollInterval, TimeProvider time, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        List<Task> ends = [wake.WaitAsync(wait.Token), Task.Delay(pollInterval, time, wait.Token)];

        // Listening also ends the wait when its connection breaks, so that the loop listens again at once; without a
        // connection only a notification (none can come) or the poll interval ends it.
        var listening = connection is { State: System.Data.ConnectionState.Open } open ? open.WaitAsync(wait.Token) : null;
        if (listening is not null)
        {
            ends.Add(listening);
        }

        await Task.WhenAny(ends).ConfigureAwait(false);
        await wait.CancelAsync().ConfigureAwait(false);
        try
        {
            if (listening is not null)
            {
                await listening.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The wait ended: a notification, the poll interval, or shutdown.
        }
        catch (Exception ex) when (IsLost(ex, cancellationToken))
        {
            // Listening broke off; the next poll opens a new connection.
            await DropAsync().ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DropAsync().ConfigureAwait(false);
        wake.Dispose();
    }

    private static bool IsLost(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && ex is NpgsqlException or InvalidOperationException or IOException or ObjectDisposedException;

    // Listens again on a new connection when there is none (it was lost); nothing to do while the one there is open.
    private async Task EnsureListeningAsync(CancellationToken cancellationToken)
    {
        if (connection is { State: System.Data.ConnectionState.Open })
        {
            return;
        }

        await DropAsync().ConfigureAwait(false);
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        Reconnections++;

        // Whatever was announced while nobody listened is lost: every channel counts as notified.
        foreach (var channel in channels)
        {
            notified[channel] = true;
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var opened = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            opened.Notification += OnNotification;
            foreach (var channel in channels)
            {
                await opened.ExecuteAsync(new CommandDefinition($"listen {channel}", cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
        }
        catch
        {
            await opened.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        connection = opened;
    }

    private async Task DropAsync()
    {
        if (connection is { } lost)
        {
            connection = null;
            lost.Notification -= OnNotification;
            await lost.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        notified[e.Channel] = true;
        wake.Release();
    }
}
