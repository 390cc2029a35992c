using System.Globalization;
using System.Text.Json;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Series;
using ContinualSegment.Model.Pipeline;
using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Runtime;
using ContinualSegment.Node.Export;
using ContinualSegment.Node.Hosting;
using ContinualSegment.Node.Queue;
using ContinualSegment.Node.Storage;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ContinualSegment.Node.Workers;

/// <summary>
/// The worker role. The model is a <see cref="LiveModel"/>: loaded at start, and before each claim reloaded off to the
/// side and swapped in when a decoder change was announced (NOTIFY on <see cref="DecoderEventRecorder.Channel"/>) or the
/// model directory's stamp changed, so installing, enabling, disabling or removing a decoder takes effect for the next
/// job without a restart; a job in flight finishes on the model it started with. libtorch gets the configured threads
/// (by default one less than the processors, so the listener stays responsive). A worker claims a job, keeps its lease alive with a heartbeat,
/// segments the series with the same use case as <c>cseg segment</c> (results' UIDs derived from the series content, so a
/// retried job writes the same SEG and RTSTRUCT instances), and records the results, the job's timeline and one delivery
/// per destination in the transaction that completes the job. Bad input fails the job for good; anything else is retried.
/// </summary>
public sealed class WorkerService : BackgroundService
{
    private readonly NodeDatabase database;
    private readonly NodeOptions node;
    private readonly WorkerOptions options;
    private readonly QueueOptions queueOptions;
    private readonly StorageOptions storage;
    private readonly bool deflateSegmentation;
    private readonly SeriesPrefetcher prefetcher;
    private readonly TimeProvider time;
    private readonly ILoggerFactory loggers;
    private readonly ILogger logger;

    /// <summary>Creates the service.</summary>
    public WorkerService(NodeDatabase database, IOptions<NodeOptions> node, IOptions<WorkerOptions> options, IOptions<QueueOptions> queueOptions, IOptions<StorageOptions> storage, IOptions<ExportOptions> export, SeriesPrefetcher prefetcher, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(prefetcher);
        this.prefetcher = prefetcher;
        ArgumentNullException.ThrowIfNull(export);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(queueOptions);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(loggers);
        this.database = database;
        this.node = node.Value;
        this.options = options.Value;
        this.queueOptions = queueOptions.Value;
        this.storage = storage.Value;
        deflateSegmentation = export.Value.DeflateSegmentation;
        this.time = time;
        this.loggers = loggers;
        logger = loggers.CreateLogger<WorkerService>();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var threads = node.TorchThreads > 0 ? node.TorchThreads : Math.Max(1, Environment.ProcessorCount - 1);
        TorchRuntime.Configure(new TorchRuntimeOptions { Threads = threads });
        var catalogue = string.IsNullOrEmpty(options.Catalogue) ? StructureCatalogue.LoadDefault() : await StructureCatalogue.LoadAsync(options.Catalogue, stoppingToken).ConfigureAwait(false);
        using var model = new LiveModel(options.Directory, SegmentationPipeline.CatalogueFrom(catalogue), new SegmentationPipelineOptions { LoggerFactory = loggers, BodyPartGating = options.BodyPartGating, BodyPartMargin = options.BodyPartMargin }, loggers.CreateLogger<LiveModel>());
        await model.LoadAsync(stoppingToken).ConfigureAwait(false);
        var useCaseOptions = new SegmentationUseCaseOptions { TimeProvider = time, LoggerFactory = loggers, SoftwareVersion = typeof(WorkerService).Assembly.GetName().Version?.ToString(3) ?? "0.0.0", DeflateSegmentation = deflateSegmentation };
        var queue = new JobQueue(database.DataSource, queueOptions, time, loggers.CreateLogger<JobQueue>());
        var owner = node.EffectiveName;
        Log.WorkerReady(logger, owner, options.Directory, threads);

        var signal = await WorkSignal.ListenAsync(database.DataSource, [JobQueue.Channel, DecoderEventRecorder.Channel], stoppingToken).ConfigureAwait(false);
        await using (signal.ConfigureAwait(false))
        {
            await signal.RunAsync(
                ct => queue.ClaimAsync(owner, ct),
                job => RunJobAsync(model, useCaseOptions, catalogue, queue, job, stoppingToken),
                options.PollInterval,
                time,
                ex => Log.ClaimFailed(logger, ex.Message),
                (job, ex) => Log.JobNotSettled(logger, job.Id, ex),
                ct => model.RefreshAsync(signal.TakeNotified(DecoderEventRecorder.Channel), ct),
                stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task RunJobAsync(LiveModel model, SegmentationUseCaseOptions useCaseOptions, StructureCatalogue catalogue, JobQueue queue, ClaimedJob job, CancellationToken stoppingToken)
    {
        // The job's model: a reload while it runs swaps in a new one for the next job, this one stays until the job ends.
        using var lease = model.Acquire();
        // Only what the route asks for besides SEG and RTSTRUCT: the label map and the preview cost time nobody uses otherwise.
        var useCase = new SegmentationUseCase(lease.Pipeline, catalogue, useCaseOptions with
        {
            WriteLabels = job.Outputs.Contains("labels", StringComparer.Ordinal),
            WritePreview = job.Outputs.Contains("preview", StringComparer.Ordinal),
            Decoders = job.Decoders,
        });
        using var heartbeatStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var lost = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(queue, job, lost, heartbeatStop.Token);
        using var work = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lost.Token);
        try
        {
            var context = await LoadContextAsync(job, work.Token).ConfigureAwait(false);
            var seriesDirectory = Path.Combine(Path.GetFullPath(storage.Root), context.RelativeSeriesDirectory);
            var resultsRelative = Path.Combine("results", context.StudyInstanceUid, context.SeriesInstanceUid, "v" + job.ContentVersion.ToString(CultureInfo.InvariantCulture));
            var resultsDirectory = Path.Combine(Path.GetFullPath(storage.Root), resultsRelative);
            if (Directory.Exists(resultsDirectory))
            {
                Directory.Delete(resultsDirectory, recursive: true);
            }

            // The series loaded while it waited for its quiet period to end, when this process did that and nothing changed since.
            var prefetched = prefetcher.Take(seriesDirectory);
            var detail = prefetched is null
                ? $"attempt {job.Attempt}"
                : string.Create(CultureInfo.InvariantCulture, $"attempt {job.Attempt}; series loaded ahead in {prefetched.LoadSeconds:0.000} s");
            await queue.AddEventAsync(job.Id, "inference", detail, work.Token).ConfigureAwait(false);
            var seed = $"{context.SeriesInstanceUid}/v{job.ContentVersion}/results";
            var outcome = await useCase.RunAsync(prefetched?.Input ?? SegmentationInput.FromPath(seriesDirectory), resultsDirectory, seed, work.Token).ConfigureAwait(false);
            if (outcome.StructureCount == 0)
            {
                await queue.FailAsync(job.Id, job.LeaseOwner, "the model found no structure in the series", retryable: false, CancellationToken.None).ConfigureAwait(false);
                return;
            }

            await heartbeatStop.CancelAsync().ConfigureAwait(false);
            await CompleteAsync(queue, job, outcome, resultsRelative, CancellationToken.None).ConfigureAwait(false);
            Log.JobDone(logger, job.Id, outcome.StructureCount, outcome.PipelineSeconds);
        }
        catch (Exception ex) when (ex is SegmentationInputException or SeriesLoadException or InvalidDataException or DirectoryNotFoundException)
        {
            Log.JobFailed(logger, job.Id, ex.Message);
            await queue.FailAsync(job.Id, job.LeaseOwner, ex.Message.ReplaceLineEndings(" "), retryable: false, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            Log.JobFailed(logger, job.Id, "the lease was lost; another worker has the job now");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: give the job back at once (the attempt not counted) rather than waiting for the lease to expire.
            await queue.ReleaseAsync(job.Id, job.LeaseOwner, "the worker stopped during the job", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ModelPlanException or NpgsqlException or InvalidOperationException or OutOfMemoryException or System.Runtime.InteropServices.ExternalException)
        {
            Log.JobFailed(logger, job.Id, ex.Message);
            await queue.FailAsync(job.Id, job.LeaseOwner, ex.Message.ReplaceLineEndings(" "), retryable: true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await heartbeatStop.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }
    }

    private Task HeartbeatAsync(JobQueue queue, ClaimedJob job, CancellationTokenSource lost, CancellationToken cancellationToken) =>
        LeaseKeeper.KeepAsync(
            ct => queue.HeartbeatAsync(job.Id, job.LeaseOwner, ct),
            queueOptions.HeartbeatInterval,
            queueOptions.LeaseDuration,
            time,
            lost.Cancel,
            ex => Log.HeartbeatFailed(logger, job.Id, ex.Message),
            cancellationToken);

    private async Task<JobContext> LoadContextAsync(ClaimedJob job, CancellationToken cancellationToken)
    {
        var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var row = await connection.QuerySingleAsync<(string Series, string Study, string Path)>(new CommandDefinition(
                """
                select s.series_instance_uid, st.study_instance_uid, i.relative_path
                from series s join studies st on st.id = s.study_ref join instances i on i.series_ref = s.id
                where s.id = @SeriesId and i.processable
                limit 1
                """,
                new { job.SeriesId },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return new JobContext(row.Series, row.Study, Path.GetDirectoryName(row.Path)!);
        }
    }

    private async Task CompleteAsync(JobQueue queue, ClaimedJob job, SegmentationOutcome outcome, string resultsRelative, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var files = new List<(string Kind, string Name)>();
        foreach (var path in outcome.WrittenFiles)
        {
            var name = Path.GetFileName(path);
            var kind = name switch
            {
                "seg.dcm" => "seg",
                "rtstruct.dcm" => "rtstruct",
                SegmentationUseCase.LabelsFileName => "labels",
                SegmentationUseCase.PreviewFileName => "preview",
                SegmentationUseCase.ReportFileName => "report",
                _ => null,
            };
            if (kind is not null)
            {
                files.Add((kind, name));
            }
        }

        var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var summary = JsonSerializer.Serialize(new
                {
                    structures = outcome.StructureCount,
                    decoders = outcome.Report.DecodersUsed,
                    pipelineSeconds = outcome.PipelineSeconds,
                    timings = outcome.Report.TimingsSeconds,
                    results = resultsRelative,
                });
                if (!await queue.CompleteAsync(transaction, job.Id, job.LeaseOwner, summary, cancellationToken).ConfigureAwait(false))
                {
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }

                foreach (var (kind, name) in files)
                {
                    var relative = Path.Combine(resultsRelative, name);
                    var full = Path.Combine(Path.GetFullPath(storage.Root), relative);
                    await connection.ExecuteAsync(new CommandDefinition(
                        """
                        insert into result_files (job_ref, kind, relative_path, size_bytes) values (@jobId, @kind, @relative, @size)
                        on conflict (job_ref, kind) do update set relative_path = excluded.relative_path, size_bytes = excluded.size_bytes
                        """,
                        new { jobId = job.Id, kind, relative, size = new FileInfo(full).Length },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                foreach (var destination in job.Destinations)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "insert into deliveries (job_ref, destination, next_attempt_at, created_at) values (@jobId, @destination, @now, @now) on conflict (job_ref, destination) do nothing",
                        new { jobId = job.Id, destination, now },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                foreach (var (phase, seconds) in outcome.Report.TimingsSeconds)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "insert into job_events (job_ref, at, stage, detail) values (@jobId, @now, @stage, @detail)",
                        new { jobId = job.Id, now, stage = "phase:" + phase, detail = seconds.ToString("0.000", CultureInfo.InvariantCulture) },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                await connection.ExecuteAsync(new CommandDefinition("select pg_notify('cseg_deliveries', @id)", new { id = job.Id.ToString(CultureInfo.InvariantCulture) }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
