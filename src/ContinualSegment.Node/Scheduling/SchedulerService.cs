using ContinualSegment.Node.Export;
using ContinualSegment.Node.Hosting;
using ContinualSegment.Node.Queue;
using ContinualSegment.Node.Routing;
using ContinualSegment.Node.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace ContinualSegment.Node.Scheduling;

/// <summary>
/// The scheduler role: a Quartz scheduler on the node's database (ADO job store, clustered) that every
/// <see cref="SchedulerOptions.Interval"/> completes quiet series (routing them into jobs) and puts back jobs whose lease
/// expired, wakes the workers and exporters when a retry falls due (<see cref="RetryWaker"/>) and, every
/// <see cref="SchedulerOptions.RetentionInterval"/>, removes what retention allows. Processes sharing
/// the database form one cluster: each firing runs in one of them, and a process that dies leaves its jobs to the others.
/// The rounds themselves are also safe to overlap (SKIP LOCKED, a lease put back once).
/// </summary>
public sealed class SchedulerService : BackgroundService
{
    private readonly NodeDatabase database;
    private readonly NodeOptions node;
    private readonly RoutingOptions routing;
    private readonly IReadOnlyDictionary<string, DestinationOptions> destinations;
    private readonly QueueOptions queueOptions;
    private readonly SchedulerOptions options;
    private readonly StorageOptions storage;
    private readonly TimeProvider time;
    private readonly ILoggerFactory loggers;
    private readonly ILogger logger;

    /// <summary>Creates the service.</summary>
    public SchedulerService(
        NodeDatabase database,
        IOptions<NodeOptions> node,
        IOptions<RoutingOptions> routing,
        IReadOnlyDictionary<string, DestinationOptions> destinations,
        IOptions<QueueOptions> queueOptions,
        IOptions<SchedulerOptions> options,
        IOptions<StorageOptions> storage,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(routing);
        ArgumentNullException.ThrowIfNull(queueOptions);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(loggers);
        this.database = database;
        this.node = node.Value;
        this.routing = routing.Value;
        this.destinations = destinations;
        this.queueOptions = queueOptions.Value;
        this.options = options.Value;
        this.storage = storage.Value;
        this.time = time;
        this.loggers = loggers;
        logger = loggers.CreateLogger<SchedulerService>();
    }

    /// <summary>The scheduler's name in the job store: every process on one database forms one cluster under it.</summary>
    public const string ClusterName = "cseg";

    /// <summary>The scheduled jobs' group in the job store.</summary>
    public const string JobGroup = "node";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = new JobQueue(database.DataSource, queueOptions, time, loggers.CreateLogger<JobQueue>());
        var completer = new SeriesCompleter(database.DataSource, routing, new Router(routing, destinations), queue, storage.Root, time, loggers.CreateLogger<SeriesCompleter>(), node.LogPatientIdentifiers);
        var retention = new RetentionSweeper(database.DataSource, storage, time, loggers.CreateLogger<RetentionSweeper>());

        var waker = new RetryWaker(database.DataSource, time);
        var series = new JobKey("series-completion", JobGroup);
        var retries = new JobKey("retries", JobGroup);
        var sweep = new JobKey("retention", JobGroup);
        var rounds = new Dictionary<JobKey, ScheduledRound>
        {
            [series] = new("series completion", async (scheduler, ct) =>
            {
                await completer.CompleteQuietSeriesAsync(ct).ConfigureAwait(false);
                await queue.RequeueExpiredAsync(ct).ConfigureAwait(false);
                await ScheduleNextDueAsync(scheduler, series, await completer.NextDueAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            }, logger),
            [retries] = new("retry timing", async (_, ct) => await waker.WakeAsync(ct).ConfigureAwait(false), logger),
            [sweep] = new("retention", async (_, ct) => await retention.SweepAsync(ct).ConfigureAwait(false), logger),
        };

        var jobFactory = new NodeJobFactory(rounds);
        await using var factory = QuartzSchedulerBuilder.Create(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = ClusterName;
                o.GenerateInstanceId = true;
            });
            q.UseDefaultThreadPool(2);
            q.UseJobFactory(jobFactory);
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(d => d.DataSourceFactory = _ => database.DataSource);
                store.ConfigureStore(o => o.TablePrefix = "qrtz_");
                store.UseClustering(c => c.CheckinInterval = options.ClusterCheckInInterval);
            });
        }).Build();
        var scheduler = await factory.GetScheduler(stoppingToken).ConfigureAwait(false);
        try
        {
            await ScheduleAsync(scheduler, series, options.Interval, stoppingToken).ConfigureAwait(false);
            await ScheduleAsync(scheduler, retries, options.Interval, stoppingToken).ConfigureAwait(false);
            await ScheduleAsync(scheduler, sweep, options.RetentionInterval, stoppingToken).ConfigureAwait(false);
            await scheduler.Start(stoppingToken).ConfigureAwait(false);
            Log.SchedulerStarted(logger, scheduler.SchedulerInstanceId, options.Interval, options.RetentionInterval);
            await Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the rounds in flight finish below.
        }
        finally
        {
            await scheduler.Shutdown(waitForJobsToComplete: true, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The one-shot trigger that completes the next series when its quiet period ends, between two regular rounds.</summary>
    public const string SeriesDueTrigger = "series-due";

    /// <summary>
    /// Fires the series round once more when the earliest quiet period ends, if that is before the next regular round: a
    /// series is completed when its quiet period is over, not up to a whole interval later. The trigger is replaced by
    /// every round (an instance arriving meanwhile moves the due time; a firing that finds nothing quiet yet sets the next).
    /// </summary>
    private async Task ScheduleNextDueAsync(IScheduler scheduler, JobKey series, DateTimeOffset? due, CancellationToken cancellationToken)
    {
        var key = new TriggerKey(SeriesDueTrigger, JobGroup);
        var now = time.GetUtcNow();
        if (due is not { } at || at >= now + options.Interval)
        {
            return;
        }

        // A little after the due time: the last instance's row is committed before its time is read.
        var fireAt = (at > now ? at : now) + TimeSpan.FromMilliseconds(20);
        var trigger = TriggerBuilder.Create()
            .WithIdentity(key)
            .ForJob(series)
            .StartAt(fireAt)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleJob(RoundJob(series), [trigger], ScheduleJobOptions.Replacing, cancellationToken).ConfigureAwait(false);
    }

    // Every process schedules the same jobs and replaces what the store holds, so a changed interval takes effect;
    // the store's locks make concurrent starts safe. A round missed while no process ran is not made up for.
    private static async Task ScheduleAsync(IScheduler scheduler, JobKey key, TimeSpan every, CancellationToken cancellationToken)
    {
        var job = RoundJob(key);
        var trigger = TriggerBuilder.Create()
            .WithIdentity(key.Name, key.Group)
            .ForJob(job)
            .StartNow()
            .WithSimpleSchedule(s => s.WithInterval(every).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
            .Build();
        await scheduler.ScheduleJob(job, [trigger], ScheduleJobOptions.Replacing, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stored (durable) job of a scheduled round; its triggers say when it runs.</summary>
    private static IJobDetail RoundJob(JobKey key) => JobBuilder.Create<ScheduledRound>().WithIdentity(key).StoreDurably().Build();
}
