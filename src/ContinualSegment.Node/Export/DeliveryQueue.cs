using System.Globalization;
using ContinualSegment.Node.Audit;
using ContinualSegment.Node.Storage;
using Dapper;
using Npgsql;

namespace ContinualSegment.Node.Export;

/// <summary>
/// Deliveries in PostgreSQL: claimed with SKIP LOCKED under a lease, retried with exponential back-off, moved to the dead
/// letter after the give-up time, resent on request. Every attempt is an audit event in the same transaction.
/// </summary>
public sealed class DeliveryQueue
{
    /// <summary>The NOTIFY channel that wakes exporters.</summary>
    public const string Channel = "cseg_deliveries";

    private readonly NpgsqlDataSource dataSource;
    private readonly ExportOptions options;
    private readonly AuditWriter audit;
    private readonly TimeProvider time;

    /// <summary>Creates the queue.</summary>
    public DeliveryQueue(NpgsqlDataSource dataSource, ExportOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        this.dataSource = dataSource;
        this.options = options;
        this.time = time ?? TimeProvider.System;
        audit = new AuditWriter(this.time);
    }

    /// <summary>Claims the next due delivery for <paramref name="owner"/>, or null.</summary>
    public async Task<DueDelivery?> ClaimAsync(string owner, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QuerySingleOrDefaultAsync<(long Id, long JobId, string Destination, int Attempts, DateTime CreatedAt)?>(new CommandDefinition(
                """
                update deliveries set state = 'sending', attempts = attempts + 1, lease_owner = @owner, lease_expires_at = @expires
                where id = (select id from deliveries
                            where (state = 'pending' and next_attempt_at <= @now) or (state = 'sending' and lease_expires_at <= @now)
                            order by next_attempt_at, id for update skip locked limit 1)
                returning id, job_ref, destination, attempts, created_at
                """,
                new { owner, now, expires = now + options.LeaseDuration },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (row is not { } d)
            {
                return null;
            }

            var files = (await connection.QueryAsync<string>(new CommandDefinition(
                "select relative_path from result_files where job_ref = @JobId and kind in (select unnest(outputs) from jobs where id = @JobId) order by kind",
                new { d.JobId },
                cancellationToken: cancellationToken)).ConfigureAwait(false)).Where(p => p.EndsWith(".dcm", StringComparison.Ordinal)).ToList();
            return new DueDelivery(d.Id, d.JobId, d.Destination, d.Attempts, new DateTimeOffset(DateTime.SpecifyKind(d.CreatedAt, DateTimeKind.Utc)), files);
        }
    }

    /// <summary>
    /// Extends the lease of a delivery being sent by <paramref name="owner"/> (a long send must not be claimed by another
    /// exporter meanwhile); false when the lease is no longer the owner's.
    /// </summary>
    public async Task<bool> RenewAsync(DueDelivery delivery, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var now = time.GetUtcNow();
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.ExecuteAsync(new CommandDefinition(
                "update deliveries set lease_expires_at = @expires where id = @Id and state = 'sending' and lease_owner = @owner",
                new { delivery.Id, owner, expires = now + options.LeaseDuration },
                cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;
        }
    }

    /// <summary>
    /// Gives a delivery back untried (its exporter is shutting down): due again at once, the attempt not counted, so a
    /// restart never moves a delivery closer to the dead letter. False when the lease is no longer the owner's.
    /// </summary>
    public async Task<bool> ReleaseAsync(DueDelivery delivery, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var now = time.GetUtcNow();
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.ExecuteAsync(new CommandDefinition(
                """
                update deliveries set state = 'pending', attempts = greatest(attempts - 1, 0), next_attempt_at = @now, lease_owner = null, lease_expires_at = null
                where id = @Id and state = 'sending' and lease_owner = @owner
                """,
                new { delivery.Id, owner, now },
                cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;
        }
    }

    /// <summary>Records a successful send.</summary>
    public async Task DeliveredAsync(DueDelivery delivery, string owner, string detail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        await SettleAsync(delivery, owner, "delivered", null, AuditOutcome.Success, detail, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a failed attempt: retried after the back-off, or dead after the give-up time. Returns the new state.</summary>
    public async Task<string> FailedAsync(DueDelivery delivery, string owner, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var now = time.GetUtcNow();
        var delay = TimeSpan.FromTicks(Math.Min(options.MaxRetryDelay.Ticks, (long)(options.FirstRetryDelay.Ticks * Math.Pow(2, Math.Min(30, delivery.Attempt - 1)))));
        var dead = now + delay - delivery.CreatedAt > options.GiveUpAfter;
        var state = dead ? "dead" : "pending";
        await SettleAsync(delivery, owner, state, dead ? null : now + delay, dead ? AuditOutcome.Failure : AuditOutcome.Warning, error, cancellationToken).ConfigureAwait(false);
        return state;
    }

    /// <summary>
    /// Queues a delivery again at once (an administrator's resend) in any state but one being sent right now, with its
    /// attempts and give-up time counted afresh, so that a revived dead delivery backs off from the first delay again.
    /// </summary>
    public async Task<ResendOutcome> ResendAsync(long deliveryId, string actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (connection, transaction) = await Db.BeginAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        await using (transaction.ConfigureAwait(false))
        {
            var state = await connection.QuerySingleOrDefaultAsync<(string State, DateTime? LeaseExpiresAt, bool HasResults)?>(new CommandDefinition(
                """
                select d.state, d.lease_expires_at,
                       exists (select 1 from result_files f where f.job_ref = d.job_ref and f.kind in ('seg', 'rtstruct')) as has_results
                from deliveries d where d.id = @deliveryId for update of d
                """,
                new { deliveryId },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (state is not { } current)
            {
                return ResendOutcome.NotFound;
            }

            if (current.State == "sending" && current.LeaseExpiresAt is { } expires && new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc)) > now)
            {
                // Taking it from a live sender would send it twice and drop that sender's outcome.
                return ResendOutcome.InFlight;
            }

            if (!current.HasResults)
            {
                // Sending nothing would fail for a whole give-up time before the delivery died.
                return ResendOutcome.NoResults;
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "update deliveries set state = 'pending', attempts = 0, next_attempt_at = @now, created_at = @now, lease_owner = null, lease_expires_at = null where id = @deliveryId",
                new { deliveryId, now },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            await audit.WriteAsync(transaction, new AuditEvent(actor, "delivery.resend", AuditOutcome.Success) { ObjectType = "delivery", ObjectId = deliveryId.ToString(CultureInfo.InvariantCulture), Detail = $"was {current.State}" }, cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition("select pg_notify(@channel, '')", new { channel = Channel }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return ResendOutcome.Queued;
        }
    }

    private async Task SettleAsync(DueDelivery delivery, string owner, string state, DateTimeOffset? next, AuditOutcome outcome, string detail, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (connection, transaction) = await Db.BeginAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        await using (transaction.ConfigureAwait(false))
        {
            var rows = await connection.ExecuteAsync(new CommandDefinition(
                """
                update deliveries set state = @state, last_error = case when @state = 'delivered' then '' else @detail end,
                       next_attempt_at = coalesce(@next, next_attempt_at), lease_owner = null, lease_expires_at = null,
                       delivered_at = case when @state = 'delivered' then @now else delivered_at end
                where id = @Id and state = 'sending' and lease_owner = @owner
                """,
                new { state, detail, next, now, delivery.Id, owner },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (rows == 0)
            {
                return;
            }

            await audit.WriteAsync(
                transaction,
                new AuditEvent(owner, $"delivery.{state}", outcome)
                {
                    ObjectType = "delivery",
                    ObjectId = delivery.Id.ToString(CultureInfo.InvariantCulture),
                    CalledAe = delivery.Destination,
                    Detail = string.Create(CultureInfo.InvariantCulture, $"attempt {delivery.Attempt}: {detail}"),
                },
                cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                "insert into job_events (job_ref, at, stage, detail) values (@JobId, @now, @stage, @detail)",
                new { delivery.JobId, now, stage = $"delivery:{delivery.Destination}:{state}", detail },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
