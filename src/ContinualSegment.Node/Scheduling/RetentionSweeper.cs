using System.Globalization;
using ContinualSegment.Node.Audit;
using ContinualSegment.Node.Storage;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ContinualSegment.Node.Scheduling;

/// <summary>
/// Clean-up of what the node no longer needs, by the <c>Storage</c> section's retention days (0 keeps):
/// received instances of a series whose newest job succeeded and whose every delivery arrived
/// (<see cref="StorageOptions.KeepInstancesDays"/> after the last delivery), instances of series that were never
/// processed or whose newest job failed for good (<see cref="StorageOptions.KeepUnprocessedDays"/> after the last
/// instance or the failure), and a succeeded job's result files once all its deliveries arrived
/// (<see cref="StorageOptions.KeepResultsDays"/>). One transaction per series or job: its rows are taken with
/// SKIP LOCKED (so several schedulers share the work and ingest into the same series waits), the files are deleted,
/// then their rows with an audit event, and the transaction commits. A crash between the files and the commit leaves
/// rows whose files are gone, which the next round removes; never a file without its row. Series, jobs, deliveries
/// and the audit trail are kept.
/// </summary>
public sealed class RetentionSweeper
{
    private const int Batch = 100;
    private const string Actor = "retention";

    private readonly NpgsqlDataSource dataSource;
    private readonly StorageOptions options;
    private readonly TimeProvider time;
    private readonly AuditWriter audit;
    private readonly ILogger logger;
    private readonly string root;

    /// <summary>Creates the sweeper.</summary>
    public RetentionSweeper(NpgsqlDataSource dataSource, StorageOptions options, TimeProvider time, ILogger<RetentionSweeper> logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        this.dataSource = dataSource;
        this.options = options;
        this.time = time;
        this.logger = logger;
        audit = new AuditWriter(time);
        root = Path.GetFullPath(options.Root);
    }

    /// <summary>One round: everything due now, in batches; returns what was removed.</summary>
    public async Task<RetentionResult> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var result = new RetentionResult();
        if (options.KeepInstancesDays > 0)
        {
            result = result.Add(await PurgeInstancesAsync(DeliveredSeries, now.AddDays(-options.KeepInstancesDays), "delivered", cancellationToken).ConfigureAwait(false));
        }

        if (options.KeepUnprocessedDays > 0)
        {
            result = result.Add(await PurgeInstancesAsync(UnprocessedSeries, now.AddDays(-options.KeepUnprocessedDays), "not processed", cancellationToken).ConfigureAwait(false));
        }

        if (options.KeepResultsDays > 0)
        {
            result = result.Add(await PurgeResultsAsync(now.AddDays(-options.KeepResultsDays), cancellationToken).ConfigureAwait(false));
        }

        if (result.Files > 0)
        {
            Log.RetentionSwept(logger, result.Series, result.Jobs, result.Files, result.Bytes);
        }

        return result;
    }

    // The newest job of the series succeeded, nothing of it waits or runs, every delivery of it arrived, and the last
    // of them (or the job's end, without destinations) is older than the cut-off. Besides queued series, this takes
    // those that had a job and then grew (growth ignored, or re-routed to no rule or a refusing one): their instances
    // belong to that job's results as much as a queued series' do.
    private const string DeliveredSeries =
        """
        select s.id as Id, s.series_instance_uid as Uid, st.study_instance_uid as Study, s.calling_ae as CallingAe
        from series s
        join studies st on st.id = s.study_ref
        join lateral (select j.id, j.state, j.finished_at from jobs j where j.series_ref = s.id order by j.content_version desc limit 1) newest on true
        where s.state in ('queued', 'ignored', 'unmatched', 'rejected') and newest.state = 'succeeded'
          and exists (select 1 from instances i where i.series_ref = s.id)
          and not exists (select 1 from jobs j where j.series_ref = s.id and j.state in ('queued', 'running'))
          and not exists (select 1 from deliveries d where d.job_ref = newest.id and d.state <> 'delivered')
          and greatest(newest.finished_at, (select max(d.delivered_at) from deliveries d where d.job_ref = newest.id)) < @cutoff
          and s.last_received_at < @cutoff
        order by s.id
        limit @batch
        for update of s skip locked
        """;

    // Never segmented (no rule took it, a rule refused it) or its newest job failed for good (also when the series grew
    // after that job and the growth was ignored or re-routed to nothing).
    private const string UnprocessedSeries =
        """
        select s.id as Id, s.series_instance_uid as Uid, st.study_instance_uid as Study, s.calling_ae as CallingAe
        from series s
        join studies st on st.id = s.study_ref
        left join lateral (select j.state, j.finished_at from jobs j where j.series_ref = s.id order by j.content_version desc limit 1) newest on true
        where s.last_received_at < @cutoff
          and exists (select 1 from instances i where i.series_ref = s.id)
          and not exists (select 1 from jobs j where j.series_ref = s.id and j.state in ('queued', 'running'))
          and ((s.state in ('unmatched', 'rejected') and newest.state is null)
               or (s.state in ('queued', 'ignored', 'unmatched', 'rejected') and newest.state in ('failed', 'dead') and newest.finished_at < @cutoff))
        order by s.id
        limit @batch
        for update of s skip locked
        """;

    private async Task<RetentionResult> PurgeInstancesAsync(string selectSeries, DateTimeOffset cutoff, string why, CancellationToken cancellationToken)
    {
        var total = new RetentionResult();
        while (true)
        {
            var (connection, transaction) = await Db.BeginAsync(dataSource, cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            await using (transaction.ConfigureAwait(false))
            {
                var series = (await connection.QueryAsync<SeriesRow>(new CommandDefinition(selectSeries, new { cutoff, batch = Batch }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
                if (series.Count == 0)
                {
                    return total;
                }

                foreach (var s in series)
                {
                    var files = (await connection.QueryAsync<FileRow>(new CommandDefinition(
                        "select id as Id, relative_path as RelativePath, size_bytes as SizeBytes from instances where series_ref = @Id",
                        new { s.Id },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
                    var bytes = DeleteFiles(files);
                    await connection.ExecuteAsync(new CommandDefinition("delete from instances where series_ref = @Id", new { s.Id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    await audit.WriteAsync(
                        transaction,
                        new AuditEvent(Actor, "instances.purged", AuditOutcome.Success)
                        {
                            ObjectType = "series",
                            ObjectId = s.Uid,
                            CallingAe = s.CallingAe,
                            StudyInstanceUid = s.Study,
                            Detail = string.Create(CultureInfo.InvariantCulture, $"{files.Count} instance(s), {bytes} bytes; {why}, older than {cutoff:u}"),
                        },
                        cancellationToken).ConfigureAwait(false);
                    total = total.Add(new RetentionResult { Series = 1, Files = files.Count, Bytes = bytes });
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<RetentionResult> PurgeResultsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var total = new RetentionResult();
        while (true)
        {
            var (connection, transaction) = await Db.BeginAsync(dataSource, cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            await using (transaction.ConfigureAwait(false))
            {
                var jobs = (await connection.QueryAsync<JobRow>(new CommandDefinition(
                    """
                    select j.id as Id, st.study_instance_uid as Study
                    from jobs j join series s on s.id = j.series_ref join studies st on st.id = s.study_ref
                    where j.state = 'succeeded'
                      and exists (select 1 from result_files r where r.job_ref = j.id)
                      and not exists (select 1 from deliveries d where d.job_ref = j.id and d.state <> 'delivered')
                      and greatest(j.finished_at, (select max(d.delivered_at) from deliveries d where d.job_ref = j.id)) < @cutoff
                    order by j.id
                    limit @batch
                    for update of j skip locked
                    """,
                    new { cutoff, batch = Batch },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
                if (jobs.Count == 0)
                {
                    return total;
                }

                foreach (var job in jobs)
                {
                    var files = (await connection.QueryAsync<FileRow>(new CommandDefinition(
                        "select id as Id, relative_path as RelativePath, size_bytes as SizeBytes from result_files where job_ref = @Id",
                        new { job.Id },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
                    var bytes = DeleteFiles(files);
                    await connection.ExecuteAsync(new CommandDefinition("delete from result_files where job_ref = @Id", new { job.Id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    await audit.WriteAsync(
                        transaction,
                        new AuditEvent(Actor, "results.purged", AuditOutcome.Success)
                        {
                            ObjectType = "job",
                            ObjectId = job.Id.ToString(CultureInfo.InvariantCulture),
                            StudyInstanceUid = job.Study,
                            Detail = string.Create(CultureInfo.InvariantCulture, $"{files.Count} file(s), {bytes} bytes; delivered, older than {cutoff:u}"),
                        },
                        cancellationToken).ConfigureAwait(false);
                    total = total.Add(new RetentionResult { Jobs = 1, Files = files.Count, Bytes = bytes });
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Deletes the files (a missing one is already gone) and the study, series and job folders they leave empty.</summary>
    private long DeleteFiles(IReadOnlyList<FileRow> files)
    {
        long bytes = 0;
        var directories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var full = Path.GetFullPath(Path.Combine(root, file.RelativePath));
            if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"a stored path leaves the storage root: {file.RelativePath}");
            }

            File.Delete(full);
            bytes += file.SizeBytes;
            directories.Add(Path.GetDirectoryName(full)!);
        }

        foreach (var directory in directories)
        {
            RemoveEmptyUpwards(directory);
        }

        return bytes;
    }

    private void RemoveEmptyUpwards(string directory)
    {
        var current = directory;
        // The root's own folders (instances/, results/) stay: ingest keeps its unnamed files in instances/.
        while (current.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && Path.GetDirectoryName(current) != root)
        {
            try
            {
                if (!Directory.Exists(current) || Directory.EnumerateFileSystemEntries(current).Any())
                {
                    return;
                }

                Directory.Delete(current);
            }
            catch (IOException)
            {
                // Something arrived meanwhile (ingest into the same study): leave the directory.
                return;
            }

            current = Path.GetDirectoryName(current)!;
        }
    }

    private sealed record SeriesRow(long Id, string Uid, string Study, string CallingAe);

    private sealed record JobRow(long Id, string Study);

    private sealed record FileRow(long Id, string RelativePath, long SizeBytes);
}
