using ContinualSegment.Node.Export;
using ContinualSegment.Node.Hosting;
using ContinualSegment.Node.Ingest;
using ContinualSegment.Node.Queue;
using ContinualSegment.Node.Routing;
using ContinualSegment.Node.Scheduling;
using ContinualSegment.Node.Storage;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ContinualSegment.Node.Tests.Scheduling;

/// <summary>The scheduler role on Quartz's ADO job store in the node's database (clustered), on a real PostgreSQL and the real clock.</summary>
public sealed class SchedulerServiceTests : IAsyncLifetime, IDisposable
{
    private readonly TestPostgres database = new();
    private readonly string root = Directory.CreateTempSubdirectory("cseg-scheduler-").FullName;

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task The_clustered_scheduler_completes_a_quiet_series_and_records_itself_in_the_job_store()
    {
        await RecordSeriesAsync("1.7.1", 3);
        var service = await StartAsync(new SchedulerOptions { Interval = TimeSpan.FromMilliseconds(500), ClusterCheckInInterval = TimeSpan.FromSeconds(1) }, quietPeriodSeconds: 1);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await ScalarAsync<int>("select count(*) from jobs") == 0 && DateTime.UtcNow < deadline)
            {
                if (service.ExecuteTask is { IsFaulted: true } failed)
                {
                    throw failed.Exception!;
                }

                await Task.Delay(200);
            }

            Assert.Equal(1, await ScalarAsync<int>("select count(*) from jobs"));
            Assert.Equal("queued", await ScalarAsync<string>("select state from series where series_instance_uid = '1.7.1'"));

            // The three scheduled jobs' regular triggers are in the store under the cluster's name (beside them, for a moment,
            // the series round's one-shot trigger for a quiet period ending), and this process checked in to the cluster.
            Assert.Equal(
                ["retention", "retries", "series-completion"],
                await ScalarAsync<string[]>($"select array_agg(trigger_name order by trigger_name) from qrtz_triggers where sched_name = '{SchedulerService.ClusterName}' and trigger_group = '{SchedulerService.JobGroup}' and trigger_name <> '{SchedulerService.SeriesDueTrigger}'"));
            Assert.Equal(1, await ScalarAsync<int>($"select count(*) from qrtz_scheduler_state where sched_name = '{SchedulerService.ClusterName}'"));
            Assert.Equal(1, await ScalarAsync<int>($"select count(*) from qrtz_locks where sched_name = '{SchedulerService.ClusterName}' and lock_name = 'STATE_ACCESS'"));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }

        Assert.True(service.ExecuteTask!.IsCompletedSuccessfully, "the scheduler stops cleanly");
        service.Dispose();
        await node!.DisposeAsync();
    }

    [Fact]
    public async Task A_series_is_completed_when_its_quiet_period_ends_not_at_the_next_regular_round()
    {
        // Regular rounds every 8 s (at 0, 8, 16 s), a quiet period of 9 s, the series arriving at about 0.5 s: due at
        // about 9.5 s. The round at 8 s sees it coming and fires the series round once more then, not at 16 s.
        var service = await StartAsync(new SchedulerOptions { Interval = TimeSpan.FromSeconds(8), ClusterCheckInInterval = TimeSpan.FromSeconds(1) }, quietPeriodSeconds: 9);
        try
        {
            await Task.Delay(500);
            await RecordSeriesAsync("1.7.2", 3);
            var recorded = DateTime.UtcNow;
            var deadline = recorded.AddSeconds(30);
            while (await ScalarAsync<int>("select count(*) from jobs") == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            var waited = DateTime.UtcNow - recorded;
            Assert.Equal(1, await ScalarAsync<int>("select count(*) from jobs"));
            Assert.InRange(waited.TotalSeconds, 8.5, 13);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
            service.Dispose();
            await node!.DisposeAsync();
        }
    }

    private NodeDatabase? node;

    private async Task<SchedulerService> StartAsync(SchedulerOptions scheduler, int quietPeriodSeconds)
    {
        var routing = new RoutingOptions { QuietPeriodSeconds = quietPeriodSeconds };
        routing.Default.Destinations.Add("PACS");
        var destinations = new Dictionary<string, DestinationOptions>(StringComparer.Ordinal)
        {
            ["PACS"] = new() { AeTitle = "PACS", Host = "127.0.0.1", Port = 104 },
        };
        node = new NodeDatabase(new DatabaseOptions { Mode = DatabaseMode.External, ConnectionString = database.ConnectionString }, TimeProvider.System);
        await node.StartAsync(CancellationToken.None);
        var service = new SchedulerService(
            node,
            Options.Create(new NodeOptions { Name = "scheduler" }),
            Options.Create(routing),
            destinations,
            Options.Create(new QueueOptions()),
            Options.Create(scheduler),
            Options.Create(new StorageOptions { Root = root }),
            TimeProvider.System,
            NullLoggerFactory.Instance);
        await service.StartAsync(CancellationToken.None);
        return service;
    }

    private async Task RecordSeriesAsync(string series, int count)
    {
        await using var recorder = new InstanceRecorder(database.DataSource, new IngestOptions(), TimeProvider.System);
        for (var i = 1; i <= count; i++)
        {
            Directory.CreateDirectory(Path.Combine(root, series));
            await File.WriteAllBytesAsync(Path.Combine(root, series, $"{i}.dcm"), [1, 2, 3]);
            await recorder.RecordAsync(
                new ReceivedInstance
                {
                    SopInstanceUid = $"{series}.{i}",
                    SopClassUid = "1.2.840.10008.5.1.4.1.1.2",
                    SeriesInstanceUid = series,
                    StudyInstanceUid = series + ".0",
                    Modality = "CT",
                    TransferSyntaxUid = "1.2.840.10008.1.2.1",
                    RelativePath = $"{series}/{i}.dcm",
                    SizeBytes = 3,
                    Processable = true,
                    CallingAeTitle = "CT01",
                    CalledAeTitle = "CSEG",
                },
                CancellationToken.None);
        }
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using NpgsqlConnection connection = await database.DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }
}
