using ContinualSegment.Node.Export;
using ContinualSegment.Node.Hosting;
using ContinualSegment.Node.Queue;
using ContinualSegment.Node.Routing;
using ContinualSegment.Node.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ContinualSegment.Node.Scheduling;

/// <summary>
/// The scheduler role: completes quiet series (routing them into jobs), puts back jobs whose lease expired and, every
/// <see cref="SchedulerOptions.RetentionInterval"/>, removes what retention allows. Safe to run in several processes at
/// once: series and jobs are taken with SKIP LOCKED and a lease is put back once.
/// </summary>
public sealed class SchedulerService : BackgroundService
{
    private readonly NodeDatabase database;
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
        IOptions<RoutingOptions> routing,
        IReadOnlyDictionary<string, DestinationOptions> destinations,
        IOptions<QueueOptions> queueOptions,
        IOptions<SchedulerOptions> options,
        IOptions<StorageOptions> storage,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(routing);
        ArgumentNullException.ThrowIfNull(queueOptions);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(loggers);
        this.database = database;
        this.routing = routing.Value;
        this.destinations = destinations;
        this.queueOptions = queueOptions.Value;
        this.options = options.Value;
        this.storage = storage.Value;
        this.time = time;
        this.loggers = loggers;
        logger = loggers.CreateLogger<SchedulerService>();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = new JobQueue(database.DataSource, queueOptions, time, loggers.CreateLogger<JobQueue>());
        var completer = new SeriesCompleter(database.DataSource, routing, new Router(routing, destinations), queue, time, loggers.CreateLogger<SeriesCompleter>());
        var retention = new RetentionSweeper(database.DataSource, storage, time, loggers.CreateLogger<RetentionSweeper>());
        var retentionDue = time.GetUtcNow();
        using var timer = new PeriodicTimer(options.Interval, time);
        do
        {
            try
            {
                await completer.CompleteQuietSeriesAsync(stoppingToken).ConfigureAwait(false);
                await queue.RequeueExpiredAsync(stoppingToken).ConfigureAwait(false);
                if (time.GetUtcNow() >= retentionDue)
                {
                    retentionDue = time.GetUtcNow() + options.RetentionInterval;
                    await retention.SweepAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (IOException ex)
            {
                Log.RoundFailed(logger, ex.Message);
            }
            catch (UnauthorizedAccessException ex)
            {
                Log.RoundFailed(logger, ex.Message);
            }
            catch (NpgsqlException ex)
            {
                Log.RoundFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
