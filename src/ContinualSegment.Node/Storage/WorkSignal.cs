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

    private WorkSignal(NpgsqlConnection connection)
    {
        this.connection = connection;
        connection.Notification += (_, _) => wake.Release();
    }

    /// <summary>Listens on <paramref name="channel"/>.</summary>
    public static async Task<WorkSignal> ListenAsync(NpgsqlDataSource dataSource, string channel, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var signal = new WorkSignal(connection);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition($"listen {channel}", cancellationToken: cancellationToken)).ConfigureAwait(false);
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
    public async Task RunAsync<T>(Func<CancellationToken, Task<T?>> claimAsync, Func<T, Task> workAsync, TimeSpan pollInterval, TimeProvider time, Action<NpgsqlException> claimFailed, CancellationToken cancellationToken)
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
