using Dapper;
using Npgsql;

namespace ContinualSegment.Node.Queue;

/// <summary>Reads jobs and their timelines for people (the CLI, later the console).</summary>
public static class JobBoard
{
    private const string Columns =
        "j.id as Id, s.series_instance_uid as SeriesInstanceUid, j.content_version as ContentVersion, j.route as Route, j.state as State, " +
        "j.attempts as Attempts, j.max_attempts as MaxAttempts, j.created_at as CreatedAt, j.finished_at as FinishedAt, j.last_error as LastError";

    /// <summary>The newest jobs, optionally only those in <paramref name="state"/>.</summary>
    public static async Task<IReadOnlyList<JobSummary>> ListAsync(NpgsqlDataSource dataSource, string? state, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync<Row>(new CommandDefinition(
                $"select {Columns} from jobs j join series s on s.id = j.series_ref where (@state::text is null or j.state = @state) order by j.id desc limit @limit",
                new { state, limit },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(r => r.ToSummary()).ToList();
        }
    }

    /// <summary>One job and its timeline, or null.</summary>
    public static async Task<(JobSummary Job, IReadOnlyList<JobEventRecord> Timeline)?> ShowAsync(NpgsqlDataSource dataSource, long jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                $"select {Columns} from jobs j join series s on s.id = j.series_ref where j.id = @jobId", new { jobId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (row is null)
            {
                return null;
            }

            var events = await connection.QueryAsync<(DateTime At, string Stage, string Detail)>(new CommandDefinition(
                "select at, stage, detail from job_events where job_ref = @jobId order by id", new { jobId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (row.ToSummary(), events.Select(e => new JobEventRecord(Utc(e.At), e.Stage, e.Detail)).ToList());
        }
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private sealed record Row(long Id, string SeriesInstanceUid, int ContentVersion, string Route, string State, int Attempts, int MaxAttempts, DateTime CreatedAt, DateTime? FinishedAt, string LastError)
    {
        public JobSummary ToSummary() => new(Id, SeriesInstanceUid, ContentVersion, Route, State, Attempts, MaxAttempts, Utc(CreatedAt), FinishedAt is { } f ? Utc(f) : null, LastError);
    }
}
