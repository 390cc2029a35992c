using System.Globalization;
using ContinualSegment.Node.Audit;
using ContinualSegment.Node.Queue;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ContinualSegment.Node.Routing;

/// <summary>
/// Finds series whose quiet period has passed (no instance for the sender's quiet period), routes each, and records the
/// decision: a job for its current content (one per content version, so the same content is never worked twice), or the
/// reason it is not segmented. A series that grew after it was complete is segmented again or only recorded, as the
/// growth policy says. Several node processes may run this at once: series are taken with SKIP LOCKED.
/// Before a series is decided its instances' files are checked: ingest names a file and commits its row at the same time
/// and answers success only when both are durable, so a node that died in between can leave a row whose file is missing
/// or shorter than recorded. Such an instance was never acknowledged (the sender sends it again); its row is discarded,
/// with an audit event, before the series is routed.
/// </summary>
public sealed class SeriesCompleter
{
    /// <summary>Series decided per transaction.</summary>
    private const int BatchSize = 16;

    private readonly NpgsqlDataSource dataSource;
    private readonly RoutingOptions options;
    private readonly Router router;
    private readonly JobQueue queue;
    private readonly string storageRoot;
    private readonly AuditWriter audit;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly bool logPatientIdentifiers;

    /// <summary>Creates the completer.</summary>
    /// <param name="storageRoot">The storage root the instances' relative paths start from.</param>
    public SeriesCompleter(NpgsqlDataSource dataSource, RoutingOptions options, Router router, JobQueue queue, string storageRoot, TimeProvider? time = null, ILogger<SeriesCompleter>? logger = null, bool logPatientIdentifiers = false)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentException.ThrowIfNullOrEmpty(storageRoot);
        this.storageRoot = Path.GetFullPath(storageRoot);
        this.dataSource = dataSource;
        this.options = options;
        this.router = router;
        this.queue = queue;
        this.time = time ?? TimeProvider.System;
        audit = new AuditWriter(this.time);
        this.logger = logger ?? NullLogger<SeriesCompleter>.Instance;
        this.logPatientIdentifiers = logPatientIdentifiers;
    }

    /// <summary>Completes every series that has been quiet long enough; returns how many were decided.</summary>
    public async Task<int> CompleteQuietSeriesAsync(CancellationToken cancellationToken)
    {
        var decided = 0;
        while (true)
        {
            var batch = await CompleteBatchAsync(cancellationToken).ConfigureAwait(false);
            decided += batch;
            if (batch < BatchSize)
            {
                return decided;
            }
        }
    }

    // A few series per transaction, and only those whose own sender's quiet period is over are locked: a series still
    // receiving is never held, so ingest (which updates its series row with every instance) never waits on completion.
    private async Task<int> CompleteBatchAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var senders = options.QuietPeriodSecondsByCallingAe;
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var candidates = await connection.QueryAsync<QuietSeries>(new CommandDefinition(
                    """
                    select s.id as Id, s.series_instance_uid as SeriesInstanceUid, st.study_instance_uid as StudyInstanceUid, s.calling_ae as CallingAe,
                           s.called_ae as CalledAe, s.modality as Modality, s.body_part as BodyPart, s.series_description as SeriesDescription,
                           s.slice_thickness as SliceThickness, s.content_version as ContentVersion, s.last_received_at as LastReceivedAt,
                           (select count(*) from instances i where i.series_ref = s.id and i.processable)::int as ImageCount,
                           exists (select 1 from jobs j where j.series_ref = s.id) as HadJob,
                           p.patient_id as PatientId, p.patient_name as PatientName
                    from series s join studies st on st.id = s.study_ref join patients p on p.id = st.patient_ref
                    where s.state = 'receiving'
                      and s.last_received_at <= @now - make_interval(secs => coalesce(
                            (select q.seconds from unnest(@aes::text[], @seconds::double precision[]) as q(ae, seconds) where q.ae = s.calling_ae),
                            @defaultSeconds))
                    order by s.last_received_at
                    limit @batch
                    for update of s skip locked
                    """,
                    new { now, aes = senders.Keys.ToArray(), seconds = senders.Values.Select(static v => (double)v).ToArray(), defaultSeconds = (double)options.QuietPeriodSeconds, batch = BatchSize },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                var decided = 0;
                foreach (var series in candidates)
                {
                    series.ImageCount -= await DiscardUnstoredAsync(transaction, series, cancellationToken).ConfigureAwait(false);
                    await DecideAsync(transaction, series, cancellationToken).ConfigureAwait(false);
                    decided++;
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return decided;
            }
        }
    }

    /// <summary>When the earliest quiet period of a series still receiving ends (each sender's own period); null when none is receiving.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var latest = await connection.QueryAsync<(string CallingAe, DateTime Earliest)>(new CommandDefinition(
                "select calling_ae, min(last_received_at) from series where state = 'receiving' group by calling_ae",
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            DateTimeOffset? due = null;
            foreach (var (callingAe, earliest) in latest)
            {
                var at = new DateTimeOffset(DateTime.SpecifyKind(earliest, DateTimeKind.Utc)) + options.QuietPeriodFor(callingAe);
                if (due is null || at < due)
                {
                    due = at;
                }
            }

            return due;
        }
    }

    /// <summary>
    /// Removes the rows of <paramref name="series"/>' instances whose file is missing or shorter than recorded (a store cut
    /// short by a crash, never acknowledged), each with an audit event; returns how many processable images went.
    /// </summary>
    private async Task<int> DiscardUnstoredAsync(NpgsqlTransaction transaction, QuietSeries series, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var instances = await connection.QueryAsync<StoredInstance>(new CommandDefinition(
            """
            select id as Id, sop_instance_uid as SopInstanceUid, relative_path as RelativePath, size_bytes as SizeBytes, processable as Processable
            from instances where series_ref = @Id and relative_path <> ''
            """,
            new { series.Id },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var discarded = new List<StoredInstance>();
        foreach (var instance in instances)
        {
            var file = new FileInfo(Path.Combine(storageRoot, instance.RelativePath));
            var reason = !file.Exists
                ? "its file is missing: the store was cut short before its success was answered"
                : file.Length < instance.SizeBytes
                    ? string.Create(CultureInfo.InvariantCulture, $"its file has {file.Length} of {instance.SizeBytes} bytes: the store was cut short before its success was answered")
                    : null;
            if (reason is null)
            {
                continue;
            }

            discarded.Add(instance);
            Log.InstanceDiscarded(logger, instance.SopInstanceUid, series.SeriesInstanceUid, reason);
            await audit.WriteAsync(
                transaction,
                new AuditEvent("node", "instance.discarded", AuditOutcome.Warning)
                {
                    ObjectType = "instance",
                    ObjectId = instance.SopInstanceUid,
                    CallingAe = series.CallingAe,
                    CalledAe = series.CalledAe,
                    StudyInstanceUid = series.StudyInstanceUid,
                    Detail = reason,
                },
                cancellationToken).ConfigureAwait(false);
        }

        if (discarded.Count == 0)
        {
            return 0;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "delete from instances where id = any(@ids); update series set instance_count = instance_count - @count where id = @Id",
            new { ids = discarded.Select(i => i.Id).ToArray(), count = discarded.Count, series.Id },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        foreach (var path in discarded.Select(i => Path.Combine(storageRoot, i.RelativePath)).Where(File.Exists))
        {
            // A short file is removed too: nothing refers to it any more.
            File.Delete(path);
        }

        return discarded.Count(i => i.Processable);
    }

    private async Task DecideAsync(NpgsqlTransaction transaction, QuietSeries series, CancellationToken cancellationToken)
    {
        string state;
        string reason;
        if (series.HadJob && options.GrowthPolicy == SeriesGrowthPolicy.Ignore)
        {
            state = "ignored";
            reason = string.Create(CultureInfo.InvariantCulture, $"grew after completion (content version {series.ContentVersion}); growth policy Ignore");
        }
        else
        {
            var decision = router.Route(new SeriesFacts(series.CallingAe, series.CalledAe, series.Modality, series.BodyPart, series.SeriesDescription, series.SliceThickness, series.ImageCount));
            (state, reason) = decision.Verdict switch
            {
                RoutingVerdict.Segment => ("queued", string.Empty),
                RoutingVerdict.Rejected => ("rejected", decision.Reason),
                _ => ("unmatched", decision.Reason),
            };
            if (decision.Verdict == RoutingVerdict.Segment)
            {
                await queue.EnqueueAsync(
                    transaction,
                    new JobRequest(series.Id, series.ContentVersion, decision.Rule, decision.Outputs, decision.Destinations) { Decoders = decision.Decoders },
                    cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.Connection!.ExecuteAsync(new CommandDefinition(
            "update series set state = @state, state_reason = @reason, completed_at = @now where id = @Id",
            new { state, reason, now = time.GetUtcNow(), series.Id },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var outcome = state == "queued" ? AuditOutcome.Success : AuditOutcome.Warning;
        await audit.WriteAsync(
            transaction,
            new AuditEvent("node", $"series.{state}", outcome)
            {
                ObjectType = "series",
                ObjectId = series.SeriesInstanceUid,
                CallingAe = series.CallingAe,
                CalledAe = series.CalledAe,
                StudyInstanceUid = series.StudyInstanceUid,
                Detail = reason.Length > 0 ? reason : string.Create(CultureInfo.InvariantCulture, $"{series.ImageCount} images, content version {series.ContentVersion}"),
            },
            cancellationToken).ConfigureAwait(false);
        if (logPatientIdentifiers)
        {
            Log.SeriesOfPatientCompleted(logger, series.SeriesInstanceUid, series.PatientId, series.PatientName, state, reason);
        }
        else
        {
            Log.SeriesCompleted(logger, series.SeriesInstanceUid, state, reason);
        }
    }

    private sealed class StoredInstance
    {
        public long Id { get; set; }

        public string SopInstanceUid { get; set; } = string.Empty;

        public string RelativePath { get; set; } = string.Empty;

        public long SizeBytes { get; set; }

        public bool Processable { get; set; }
    }

    private sealed class QuietSeries
    {
        public long Id { get; set; }

        public string PatientId { get; set; } = string.Empty;

        public string PatientName { get; set; } = string.Empty;

        public string SeriesInstanceUid { get; set; } = string.Empty;

        public string StudyInstanceUid { get; set; } = string.Empty;

        public string CallingAe { get; set; } = string.Empty;

        public string CalledAe { get; set; } = string.Empty;

        public string Modality { get; set; } = string.Empty;

        public string BodyPart { get; set; } = string.Empty;

        public string SeriesDescription { get; set; } = string.Empty;

        public double? SliceThickness { get; set; }

        public int ContentVersion { get; set; }

        public DateTime LastReceivedAt { get; set; }

        public int ImageCount { get; set; }

        public bool HadJob { get; set; }
    }
}
