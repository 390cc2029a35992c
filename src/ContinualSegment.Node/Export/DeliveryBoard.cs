using Dapper;
using Npgsql;

namespace ContinualSegment.Node.Export;

/// <summary>Reads deliveries for people (the CLI, later the console).</summary>
public static class DeliveryBoard
{
    /// <summary>The newest deliveries, optionally only those in <paramref name="state"/>.</summary>
    public static async Task<IReadOnlyList<DeliverySummary>> ListAsync(NpgsqlDataSource dataSource, string? state, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync<(long Id, long JobId, string Destination, string State, int Attempts, DateTime Next, DateTime? Delivered, string Error)>(new CommandDefinition(
                """
                select id, job_ref, destination, state, attempts, next_attempt_at, delivered_at, last_error
                from deliveries where (@state::text is null or state = @state) order by id desc limit @limit
                """,
                new { state, limit },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(r => new DeliverySummary(r.Id, r.JobId, r.Destination, r.State, r.Attempts, Utc(r.Next), r.Delivered is { } d ? Utc(d) : null, r.Error)).ToList();
        }
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
