using System.Data;
using ContinualSegment.Node.Audit;
using ContinualSegment.Node.Storage;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ContinualSegment.Node.Queue;

/// <summary>
/// The segmentation job queue in PostgreSQL. Workers claim with <c>FOR UPDATE SKIP LOCKED</c> (no two workers ever
/// get the same job, none waits for another's row lock), hold a lease that their heartbeat extends, and report success or
/// failure under that lease; a lease that expires puts the job back. Every state change writes its audit event and job
/// event in the same transaction. Times come from the injected clock, so leases are testable without sleeping (node
/// processes sharing a database need synchronised clocks, as any lease does).
/// </summary>
public sealed class JobQueue
{
    /// <summary>The NOTIFY channel that wakes workers when a job is queued.</summary>
    public const string Channel = "cseg_jobs";

    private const string JobColumns =
        "id as Id, series_ref as SeriesId, content_version as ContentVersion, route as Route, decoders as Decoders, outputs as Outputs, " +
        "destinations as Destinations, attempts as Attempt, max_attempts as MaxAttempts, lease_owner as LeaseOwner, lease_expires_at as LeaseExpiresAt";

    private readonly NpgsqlDataSource dataSource;
    private readonly QueueOptions options;
    private readonly AuditWriter audit;
    private readonly TimeProvider time;
    private readonly ILogger logger;

    /// <summary>Creates the queue over <paramref name="dataSource"/>.</summary>
    public JobQueue(NpgsqlDataSource dataSource, QueueOptions options, TimeProvider? time = null, ILogger<JobQueue>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        this.dataSource = dataSource;
        this.options = options;
        this.time = time ?? TimeProvider.System;
        audit = new AuditWriter(this.time);
        this.logger = logger ?? NullLogger<JobQueue>.Instance;
    }

    /// <summary>
    /// Queues a job in <paramref name="transaction"/> (with the change that caused it) and wakes the workers at commit.
    /// The same series content queued twice gives one job: the second call returns the first job's id and false.
    /// </summary>
    public async Task<(long JobId, bool Created)> EnqueueAsync(IDbTransaction transaction, JobRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(request);
        var connection = transaction.Connection!;
        var now = time.GetUtcNow();
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            """
            insert into jobs (series_ref, content_version, route, decoders, outputs, destinations, priority, max_attempts, not_before, created_at)
            values (@SeriesId, @ContentVersion, @Route, @decoders, @outputs, @destinations, @Priority, @maxAttempts, @now, @now)
            on conflict (series_ref, content_version) do nothing
            returning id
            """,
            new
            {
                request.SeriesId,
                request.ContentVersion,
                request.Route,
                decoders = request.Decoders.ToArray(),
                outputs = request.Outputs.ToArray(),
                destinations = request.Destinations.ToArray(),
                request.Priority,
                maxAttempts = options.MaxAttempts,
                now,
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (id is null)
        {
            var existing = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "select id from jobs where series_ref = @SeriesId and content_version = @ContentVersion",
                new { request.SeriesId, request.ContentVersion },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return (existing, false);
        }

        await AddEventAsync(transaction, id.Value, "queued", $"route {request.Route}", cancellationToken).ConfigureAwait(false);
        await audit.WriteAsync(transaction, new AuditEvent("node", "job.queued", AuditOutcome.Success) { ObjectType = "job", ObjectId = Id(id.Value), Detail = $"series {request.SeriesId} content {request.ContentVersion}, route {request.Route}" }, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("select pg_notify(@channel, @payload)", new { channel = Channel, payload = Id(id.Value) }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        Log.JobQueued(logger, id.Value, request.SeriesId, request.Route);
        return (id.Value, true);
    }

    /// <summary>Claims the next due job for <paramref name="owner"/>, or null when none is waiting.</summary>
    public async Task<ClaimedJob?> ClaimAsync(string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var now = time.GetUtcNow();
        var (connection, transaction) = await Db.BeginAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        await using (transaction.ConfigureAwait(false))
        {
            var job = await connection.QuerySingleOrDefaultAsync<ClaimedJobRow>(new CommandDefinition(
                $"""
                update jobs set state = 'running', lease_owner = @owner, lease_expires_at = @expires, heartbeat_at = @now,
                       attempts = attempts + 1, started_at = coalesce(started_at, @now)
                where id = (select id from jobs where state = 'queued' and not_before <= @now
                            order by priority desc, id for update skip locked limit 1)
                returning {JobColumns}
                """,
                new { owner, now, expires = now + options.LeaseDuration },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (job is null)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return null;
            }

            await AddEventAsync(transaction, job.Id, "claimed", $"attempt {job.Attempt} of {job.MaxAttempts} by {owner}", cancellationToken).ConfigureAwait(false);
            await audit.WriteAsync(transaction, new AuditEvent(owner, "job.claimed", AuditOutcome.Success) { ObjectType = "job", ObjectId = Id(job.Id), Detail = $"attempt {job.Attempt} of {job.MaxAttempts}" }, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            Log.JobClaimed(logger, job.Id, owner, job.Attempt);
            return job.ToClaimedJob();
        }
    }

    /// <summary>Extends the lease of <paramref name="jobId"/>; false when it is no longer <paramref name="owner"/>'s (expired and re-queued).</summary>
    public async Task<bool> HeartbeatAsync(long jobId, string owner, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.ExecuteAsync(new CommandDefinition(
                "update jobs set lease_expires_at = @expires, heartbeat_at = @now where id = @jobId and state = 'running' and lease_owner = @owner and lease_expires_at > @now",
                new { jobId, owner, now, expires = now + options.LeaseDuration },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (rows == 0)
            {
                Log.LeaseLost(logger, jobId, owner);
            }

            return rows == 1;
        }
    }

    /// <summary>Records a job stage (inference, writing …) in its timeline.</summary>
    public async Task AddEventAsync(long jobId, string stage, string detail, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await Db.BeginAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        await using (transaction.ConfigureAwait(false))
        {
            await AddEventAsync(transaction, jobId, stage, detail, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Marks the job done with its result (JSON) in a transaction the caller continues (to add deliveries), if the lease
    /// is still <paramref name="owner"/>'s; false otherwise (another worker has it now, and this outcome is dropped).
    /// </summary>
    public async Task<bool> CompleteAsync(IDbTransaction transaction, long jobId, string owner, string resultJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var now = time.GetUtcNow();
        var rows = await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            update jobs set state = 'succeeded', finished_at = @now, result = cast(@resultJson as jsonb), lease_owner = null, lease_expires_at = null
            where id = @jobId and state = 'running' and lease_owner = @owner
            """,
            new { jobId, owner, now, resultJson },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (rows == 0)
        {
            Log.LeaseLost(logger, jobId, owner);
            return false;
        }

        await AddEventAsync(transaction, jobId, "succeeded", string.Empty, cancellationToken).ConfigureAwait(false);
        await audit.WriteAsync(transaction, new AuditEvent(owner, "job.succeeded", AuditOutcome.Success) { ObjectType = "job", ObjectId = Id(jobId) }, cancellationToken).ConfigureAwait(false);
        Log.JobSucceeded(logger, jobId);
        return true;
    }

    /// <summary>
    /// Reports a failed attempt. A retryable failure queues the job again after the retry delay (doubled per attempt)
    /// until its attempts are used, then moves it to the dead letter; a permanent one fails it at once.
    /// </summary>
    public async Task<JobFailureOutcome> FailAsync(long jobId, string owner, string error, bool retryable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        var now = time.GetUtcNow();
        var (connection, transaction) = await Db.BeginAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        await using (transaction.ConfigureAwait(false))
        {
            var row = await connection.QuerySingleOrDefaultAsync<(int Attempts, int MaxAttempts)?>(new CommandDefinition(
                "select attempts, max_attempts from jobs where id = @jobId and state = 'running' and lease_owner = @owner for update",
                new { jobId, owner },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (row is not { } held)
            {
                Log.LeaseLost(logger, jobId, owner);
                return JobFailureOutcome.LeaseLost;
            }

            var outcome = !retryable ? JobFailureOutcome.Failed
                : held.Attempts >= held.MaxAttempts ? JobFailureOutcome.Dead
                : JobFailureOutcome.Retrying;
            await SettleFailureAsync(transaction, jobId, held.Attempts, outcome, error, owner, now, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return outcome;
        }
    }

    /// <summary>
    /// Gives a running job back untried (its worker is shutting down): queued again at once, the attempt it was on not
    /// counted, so that a routine restart never moves a job closer to the dead letter. False when the lease is not the owner's.
    /// </summary>
    public async Task<bool> ReleaseAsync(long jobId, string owner, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (connection, transaction) = await Db.BeginAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        await using (transaction.ConfigureAwait(false))
        {
            var rows = await connection.ExecuteAsync(new CommandDefinition(
                """
                update jobs set state = 'queued', attempts = greatest(attempts - 1, 0), lease_owner = null, lease_expires_at = null, not_before = @now
                where id = @jobId and state = 'running' and lease_owner = @owner
                """,
                new { jobId, owner, now },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (rows == 0)
            {
                Log.LeaseLost(logger, jobId, owner);
                return false;
            }

            await AddEventAsync(transaction, jobId, "released", reason, cancellationToken).ConfigureAwait(false);
            await audit.WriteAsync(transaction, new AuditEvent(owner, "job.released", AuditOutcome.Warning) { ObjectType = "job", ObjectId = Id(jobId), Detail = reason }, cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition("select pg_notify(@channel, @payload)", new { channel = Channel, payload = Id(jobId) }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>Puts back every job whose lease has expired (its worker died or hung); jobs out of attempts go to the dead letter. Returns how many.</summary>
    public async Task<int> RequeueExpiredAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (connection, transaction) = await Db.BeginAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        await using (transaction.ConfigureAwait(false))
        {
            var expired = (await connection.QueryAsync<(long Id, int Attempts, int MaxAttempts, string Owner)>(new CommandDefinition(
                "select id, attempts, max_attempts, lease_owner from jobs where state = 'running' and lease_expires_at <= @now for update skip locked",
                new { now },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
            foreach (var job in expired)
            {
                var outcome = job.Attempts >= job.MaxAttempts ? JobFailureOutcome.Dead : JobFailureOutcome.Retrying;
                var reason = $"lease of {job.Owner} expired (worker stopped or stalled)";
                await SettleFailureAsync(transaction, job.Id, job.Attempts, outcome, reason, "node", now, cancellationToken, immediate: true).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return expired.Count;
        }
    }

    /// <summary>Queues a failed or dead job again with fresh attempts (an administrator's retry); false when it is not failed or dead.</summary>
    public async Task<bool> RetryAsync(long jobId, string actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (connection, transaction) = await Db.BeginAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        await using (transaction.ConfigureAwait(false))
        {
            var rows = await connection.ExecuteAsync(new CommandDefinition(
                "update jobs set state = 'queued', attempts = 0, not_before = @now, finished_at = null where id = @jobId and state in ('failed', 'dead')",
                new { jobId, now },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (rows == 0)
            {
                return false;
            }

            await AddEventAsync(transaction, jobId, "queued", $"retry requested by {actor}", cancellationToken).ConfigureAwait(false);
            await audit.WriteAsync(transaction, new AuditEvent(actor, "job.retried", AuditOutcome.Success) { ObjectType = "job", ObjectId = Id(jobId) }, cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition("select pg_notify(@channel, @payload)", new { channel = Channel, payload = Id(jobId) }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task SettleFailureAsync(IDbTransaction transaction, long jobId, int attempts, JobFailureOutcome outcome, string error, string actor, DateTimeOffset now, CancellationToken cancellationToken, bool immediate = false)
    {
        var state = outcome switch
        {
            JobFailureOutcome.Retrying => "queued",
            JobFailureOutcome.Dead => "dead",
            _ => "failed",
        };

        // Back-off: the retry delay doubled for each attempt already made (30 s, 60 s, 120 s …); a lost worker's job is due at once.
        var delay = immediate ? TimeSpan.Zero : options.RetryDelay * Math.Pow(2, Math.Max(0, attempts - 1));
        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            update jobs set state = @state, last_error = @error, lease_owner = null, lease_expires_at = null,
                   not_before = @notBefore, finished_at = case when @state = 'queued' then null else @now end
            where id = @jobId
            """,
            new { jobId, state, error, now, notBefore = now + delay },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var stage = outcome == JobFailureOutcome.Retrying ? "retry" : state;
        await AddEventAsync(transaction, jobId, stage, error, cancellationToken).ConfigureAwait(false);
        var auditOutcome = outcome == JobFailureOutcome.Retrying ? AuditOutcome.Warning : AuditOutcome.Failure;
        await audit.WriteAsync(transaction, new AuditEvent(actor, $"job.{stage}", auditOutcome) { ObjectType = "job", ObjectId = Id(jobId), Detail = error }, cancellationToken).ConfigureAwait(false);
        if (outcome == JobFailureOutcome.Retrying)
        {
            await transaction.Connection!.ExecuteAsync(new CommandDefinition("select pg_notify(@channel, @payload)", new { channel = Channel, payload = Id(jobId) }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        Log.JobFailed(logger, jobId, state, error);
    }

    private Task<int> AddEventAsync(IDbTransaction transaction, long jobId, string stage, string detail, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition(
            "insert into job_events (job_ref, at, stage, detail) values (@jobId, @at, @stage, @detail)",
            new { jobId, at = time.GetUtcNow(), stage, detail },
            transaction,
            cancellationToken: cancellationToken));
}
