using System.Collections.Concurrent;
using System.Data;
using System.Threading.Channels;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ContinualSegment.Node.Ingest;

/// <summary>
/// Records stored instances in the database. Instances from concurrent associations share one transaction (a group
/// commit): each caller's task completes only after the transaction holding its row has committed, so a C-STORE success
/// still means "file durable and row committed", while the commit's flush is paid once per group instead of once per
/// instance. If a group fails, each of its instances is tried again alone, so one bad instance fails only itself.
/// The same SOP instance again adds no row; an instance arriving for a series that was already complete opens a new
/// content version of that series.
/// </summary>
public sealed class InstanceRecorder : IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly IngestOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Channel<Pending> pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, long> seriesIds = new(StringComparer.Ordinal);
    private readonly Task loop;

    /// <summary>Creates the recorder and starts its commit loop.</summary>
    public InstanceRecorder(NpgsqlDataSource dataSource, IngestOptions options, TimeProvider? time = null, ILogger<InstanceRecorder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        this.dataSource = dataSource;
        this.options = options;
        this.time = time ?? TimeProvider.System;
        this.logger = logger ?? NullLogger<InstanceRecorder>.Instance;
        loop = Task.Run(RunAsync);
    }

    /// <summary>Records <paramref name="instance"/>; completes once its row is committed.</summary>
    /// <exception cref="NpgsqlException">The database could not record it (the caller answers "out of resources").</exception>
    public Task<RecordOutcome> RecordAsync(ReceivedInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var item = new Pending(instance, new TaskCompletionSource<RecordOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!pending.Writer.TryWrite(item))
        {
            throw new ObjectDisposedException(nameof(InstanceRecorder), "the node is stopping; no further instances are recorded");
        }

        return item.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Records what is already waiting, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        pending.Writer.TryComplete();
        await loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(options.MaxGroupCommit);
        while (await pending.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < options.MaxGroupCommit && pending.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                var outcomes = await CommitAsync(batch).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(outcomes[i]);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                seriesIds.Clear();
                if (batch.Count == 1)
                {
                    Log.RecordFailed(logger, batch[0].Instance.SopInstanceUid, ex.Message);
                    batch[0].Done.TrySetException(ex);
                    continue;
                }

                // One bad instance must not fail the others of its group: each alone.
                foreach (var item in batch)
                {
                    try
                    {
                        item.Done.TrySetResult((await CommitAsync([item]).ConfigureAwait(false))[0]);
                    }
                    catch (Exception single) when (single is NpgsqlException or InvalidOperationException or TimeoutException)
                    {
                        seriesIds.Clear();
                        Log.RecordFailed(logger, item.Instance.SopInstanceUid, single.Message);
                        item.Done.TrySetException(single);
                    }
                }
            }
        }
    }

    private async Task<RecordOutcome[]> CommitAsync(IReadOnlyList<Pending> batch)
    {
        var now = time.GetUtcNow();
        var outcomes = new RecordOutcome[batch.Count];
        var learned = new Dictionary<string, long>(StringComparer.Ordinal);
        var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    var instance = batch[i].Instance;
                    if (!seriesIds.TryGetValue(instance.SeriesInstanceUid, out var seriesId) && !learned.TryGetValue(instance.SeriesInstanceUid, out seriesId))
                    {
                        seriesId = await PlaceAsync(transaction, instance, now).ConfigureAwait(false);
                        learned[instance.SeriesInstanceUid] = seriesId;
                    }

                    outcomes[i] = await InsertAsync(transaction, instance, seriesId, now).ConfigureAwait(false);
                }

                await transaction.CommitAsync().ConfigureAwait(false);
            }
        }

        foreach (var (uid, id) in learned)
        {
            seriesIds[uid] = id;
        }

        Log.GroupCommitted(logger, batch.Count);
        return outcomes;
    }

    /// <summary>Finds or creates the patient, study and series rows of <paramref name="instance"/>; returns the series id.</summary>
    private static async Task<long> PlaceAsync(IDbTransaction transaction, ReceivedInstance instance, DateTimeOffset now)
    {
        var connection = transaction.Connection!;
        var seriesId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "select id from series where series_instance_uid = @SeriesInstanceUid", instance, transaction)).ConfigureAwait(false);
        if (seriesId is { } known)
        {
            return known;
        }

        var patient = await InsertOrFindAsync(
            transaction,
            """
            insert into patients (patient_id, issuer, patient_name, birth_date, sex, created_at)
            values (@PatientId, @IssuerOfPatientId, @PatientName, @PatientBirthDate, @PatientSex, @now)
            on conflict (patient_id, issuer) do nothing returning id
            """,
            "select id from patients where patient_id = @PatientId and issuer = @IssuerOfPatientId",
            instance,
            now).ConfigureAwait(false);
        var study = await InsertOrFindAsync(
            transaction,
            """
            insert into studies (study_instance_uid, patient_ref, accession_number, study_date, study_description, created_at)
            values (@StudyInstanceUid, @patient, @AccessionNumber, @StudyDate, @StudyDescription, @now)
            on conflict (study_instance_uid) do nothing returning id
            """,
            "select id from studies where study_instance_uid = @StudyInstanceUid",
            instance,
            now,
            patient).ConfigureAwait(false);
        return await InsertOrFindAsync(
            transaction,
            """
            insert into series (series_instance_uid, study_ref, modality, body_part, series_description, slice_thickness,
                                calling_ae, called_ae, first_received_at, last_received_at)
            values (@SeriesInstanceUid, @study, @Modality, @BodyPartExamined, @SeriesDescription, @SliceThickness,
                    @CallingAeTitle, @CalledAeTitle, @now, @now)
            on conflict (series_instance_uid) do nothing returning id
            """,
            "select id from series where series_instance_uid = @SeriesInstanceUid",
            instance,
            now,
            study: study).ConfigureAwait(false);
    }

    private static async Task<long> InsertOrFindAsync(IDbTransaction transaction, string insert, string find, ReceivedInstance instance, DateTimeOffset now, long patient = 0, long study = 0)
    {
        var parameters = new DynamicParameters(instance);
        parameters.Add("now", now);
        parameters.Add("patient", patient);
        parameters.Add("study", study);
        var id = await transaction.Connection!.ExecuteScalarAsync<long?>(new CommandDefinition(insert, parameters, transaction)).ConfigureAwait(false);
        return id ?? await transaction.Connection!.ExecuteScalarAsync<long>(new CommandDefinition(find, parameters, transaction)).ConfigureAwait(false);
    }

    /// <summary>The instance row, its series' count and content version, and its audit event, in one statement (data-modifying WITH parts always run).</summary>
    private static async Task<RecordOutcome> InsertAsync(IDbTransaction transaction, ReceivedInstance instance, long seriesId, DateTimeOffset now)
    {
        var parameters = new DynamicParameters(instance);
        parameters.Add("seriesId", seriesId);
        parameters.Add("now", now);
        var inserted = await transaction.Connection!.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            with i as (
                insert into instances (sop_instance_uid, sop_class_uid, series_ref, transfer_syntax_uid, relative_path, size_bytes, processable, calling_ae, received_at)
                values (@SopInstanceUid, @SopClassUid, @seriesId, @TransferSyntaxUid, @RelativePath, @SizeBytes, @Processable, @CallingAeTitle, @now)
                on conflict (sop_instance_uid) do nothing
                returning id),
            s as (
                update series set instance_count = instance_count + 1, last_received_at = @now,
                       content_version = case when state = 'receiving' then content_version else content_version + 1 end,
                       state = 'receiving', state_reason = '', completed_at = null
                where id = @seriesId and exists (select 1 from i)
                returning id),
            a as (
                insert into audit_events (at, actor, action, outcome, object_type, object_id, calling_ae, called_ae, peer, study_instance_uid, detail)
                select @now, @CallingAeTitle, 'instance.stored', 'success', 'instance', @SopInstanceUid, @CallingAeTitle, @CalledAeTitle, @Peer, @StudyInstanceUid, @TransferSyntaxUid
                from i
                returning id)
            select count(*)::int from i
            """,
            parameters,
            transaction)).ConfigureAwait(false);
        return inserted == 1 ? RecordOutcome.Stored : RecordOutcome.Duplicate;
    }

    private sealed record Pending(ReceivedInstance Instance, TaskCompletionSource<RecordOutcome> Done);
}
