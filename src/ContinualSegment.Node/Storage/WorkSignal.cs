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
