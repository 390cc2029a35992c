using ContinualSegment.Node.Export;
using ContinualSegment.Node.Queue;
using Dapper;
using Npgsql;

namespace ContinualSegment.Node.Scheduling;

/// <summary>
/// Times the retries: a job put back with a back-off and a delivery waiting for its next attempt become due at a time
/// the scheduler watches, and when they are due it wakes the workers or the exporters (NOTIFY on their channel), so a
/// retry starts within one scheduler interval, wherever in the cluster it was decided. The workers' and exporters' own
/// poll remains as the fallback.
/// </summary>
internal sealed class RetryWaker
{
    private readonly NpgsqlDataSource dataSource;
    private readonly TimeProvider time;

    public RetryWaker(NpgsqlDataSource dataSource, TimeProvider time)
    {
        this.dataSource = dataSource;
        this.time = time;
    }

    /// <summary>Notifies the channels that have due work waiting; returns which (jobs, deliveries).</summary>
    public async Task<(bool Jobs, bool Deliveries)> WakeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var due = await connection.QuerySingleAsync<(bool Jobs, bool Deliveries)>(new CommandDefinition(
            """
            select exists (select 1 from jobs where state = 'queued' and not_before <= @now),
                   exists (select 1 from deliveries where state = 'pending' and next_attempt_at <= @now)
            """,
            new { now = time.GetUtcNow() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (due.Jobs)
        {
            await connection.ExecuteAsync(new CommandDefinition("select pg_notify(@channel, '')", new { channel = JobQueue.Channel }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        if (due.Deliveries)
        {
            await connection.ExecuteAsync(new CommandDefinition("select pg_notify(@channel, '')", new { channel = DeliveryQueue.Channel }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        return due;
    }
}
