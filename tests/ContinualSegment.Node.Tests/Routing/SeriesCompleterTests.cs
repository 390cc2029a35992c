using ContinualSegment.Node.Export;
using ContinualSegment.Node.Ingest;
using ContinualSegment.Node.Queue;
using ContinualSegment.Node.Routing;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace ContinualSegment.Node.Tests.Routing;

#pragma warning disable CA1001 // The recorder is disposed in IAsyncLifetime.DisposeAsync.
public sealed class SeriesCompleterTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly TestPostgres database = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly RoutingOptions routing = new() { QuietPeriodSeconds = 20 };
    private readonly string storageRoot = Directory.CreateTempSubdirectory("cseg-completer-").FullName;
    private InstanceRecorder recorder = null!;
    private JobQueue queue = null!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        recorder = new InstanceRecorder(database.DataSource, new IngestOptions(), clock);
        queue = new JobQueue(database.DataSource, new QueueOptions(), clock);
        routing.QuietPeriodSecondsByCallingAe["SLOWCT"] = 60;
        routing.Default.MinImages = 3;
        routing.Default.Destinations.Add("PACS");
    }

    public async Task DisposeAsync()
    {
        await recorder.DisposeAsync();
        await database.DisposeAsync();
        Directory.Delete(storageRoot, recursive: true);
    }

    [Fact]
    public async Task A_series_is_complete_after_its_senders_quiet_period_and_gets_one_job()
    {
        await ReceiveAsync("1.5.1", "CT01", 5);
        await ReceiveAsync("1.5.2", "SLOWCT", 5);
        var completer = Completer();

        clock.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(0, await completer.CompleteQuietSeriesAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await completer.CompleteQuietSeriesAsync(CancellationToken.None));
        Assert.Equal("queued", await ScalarAsync<string>("select state from series where series_instance_uid = '1.5.1'"));
        Assert.Equal("receiving", await ScalarAsync<string>("select state from series where series_instance_uid = '1.5.2'"));
        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(1, await completer.CompleteQuietSeriesAsync(CancellationToken.None));
        Assert.Equal(0, await completer.CompleteQuietSeriesAsync(CancellationToken.None));

        Assert.Equal(2, await ScalarAsync<int>("select count(*) from jobs"));
        Assert.Equal(["PACS"], await ScalarAsync<string[]>("select destinations from jobs limit 1"));
        Assert.Equal(2, await ScalarAsync<int>("select count(*) from audit_events where action = 'series.queued'"));
    }

    [Fact]
    public async Task Many_quiet_series_are_all_decided_in_one_call_of_several_transactions_and_a_slow_senders_series_waits()
    {
        for (var i = 0; i < 40; i++)
        {
            await ReceiveAsync($"1.5.3.{i}", "CT01", 3);
        }

        await ReceiveAsync("1.5.4", "SLOWCT", 3);
        clock.Advance(TimeSpan.FromSeconds(30));

        // 40 series, more than one transaction's batch; the slow sender's (30 s of its 60 s quiet period) is not among them.
        Assert.Equal(40, await Completer().CompleteQuietSeriesAsync(CancellationToken.None));

        Assert.Equal(40, await ScalarAsync<int>("select count(*) from jobs"));
        Assert.Equal("receiving", await ScalarAsync<string>("select state from series where series_instance_uid = '1.5.4'"));
    }

    [Fact]
    public async Task Too_few_images_and_other_modalities_are_recorded_with_the_reason_not_queued()
    {
        await ReceiveAsync("1.5.10", "CT01", 2);
        await ReceiveAsync("1.5.11", "CT01", 5, modality: "MR");
        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(2, await Completer().CompleteQuietSeriesAsync(CancellationToken.None));

        Assert.Equal("rejected", await ScalarAsync<string>("select state from series where series_instance_uid = '1.5.10'"));
        Assert.StartsWith("incomplete: 2 image(s)", await ScalarAsync<string>("select state_reason from series where series_instance_uid = '1.5.10'"), StringComparison.Ordinal);
        Assert.Equal("unmatched", await ScalarAsync<string>("select state from series where series_instance_uid = '1.5.11'"));
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from jobs"));
    }

    [Theory]
    [InlineData(SeriesGrowthPolicy.Rerun, "queued", 2)]
    [InlineData(SeriesGrowthPolicy.Ignore, "ignored", 1)]
    public async Task A_series_that_grows_after_completion_follows_the_growth_policy(SeriesGrowthPolicy policy, string state, int jobs)
    {
        routing.GrowthPolicy = policy;
        await ReceiveAsync("1.5.20", "CT01", 5);
        clock.Advance(TimeSpan.FromMinutes(1));
        await Completer().CompleteQuietSeriesAsync(CancellationToken.None);

        await ReceiveAsync("1.5.20", "CT01", 5, firstNumber: 1);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await Completer().CompleteQuietSeriesAsync(CancellationToken.None));

        await ReceiveAsync("1.5.20", "CT01", 2, firstNumber: 6);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Completer().CompleteQuietSeriesAsync(CancellationToken.None));

        Assert.Equal(state, await ScalarAsync<string>("select state from series"));
        Assert.Equal(jobs, await ScalarAsync<int>("select count(*) from jobs"));
        Assert.Equal(7, await ScalarAsync<int>("select instance_count from series"));
    }

    [Fact]
    public async Task Instances_whose_store_was_cut_short_are_discarded_before_the_series_is_routed()
    {
        // A node that died between naming a file and its flush can leave a row whose file is missing or short.
        await ReceiveAsync("1.5.30", "CT01", 5);
        File.Delete(Path.Combine(storageRoot, "1.5.30", "2.dcm"));
        await File.WriteAllBytesAsync(Path.Combine(storageRoot, "1.5.30", "4.dcm"), new byte[10]);
        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, await Completer().CompleteQuietSeriesAsync(CancellationToken.None));

        Assert.Equal(["1.5.30.1", "1.5.30.3", "1.5.30.5"], await ScalarAsync<string[]>("select array_agg(sop_instance_uid order by sop_instance_uid) from instances"));
        Assert.Equal(3, await ScalarAsync<int>("select instance_count from series"));
        Assert.Equal("queued", await ScalarAsync<string>("select state from series"));
        Assert.Equal("3 images, content version 0", await ScalarAsync<string>("select detail from audit_events where action = 'series.queued'"));
        Assert.Equal(["1.5.30.2", "1.5.30.4"], await ScalarAsync<string[]>("select array_agg(object_id order by object_id) from audit_events where action = 'instance.discarded'"));
        Assert.StartsWith("its file has 10 of 100 bytes", await ScalarAsync<string>("select detail from audit_events where object_id = '1.5.30.4' and action = 'instance.discarded'"), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(storageRoot, "1.5.30", "4.dcm")));
        Assert.True(File.Exists(Path.Combine(storageRoot, "1.5.30", "5.dcm")));

        // Sent again (the sender had no success for them), they count once more; nothing else changes.
        await ReceiveAsync("1.5.30", "CT01", 1, firstNumber: 2);
        Assert.Equal(4, await ScalarAsync<int>("select instance_count from series"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Patient_identifiers_reach_the_log_only_when_configured(bool configured)
    {
        await ReceiveAsync("1.5.40", "CT01", 5, patientId: "PID-4711", patientName: "Doe^Jane");
        clock.Advance(TimeSpan.FromMinutes(1));
        var log = new ListLogger();

        Assert.Equal(1, await Completer(log, configured).CompleteQuietSeriesAsync(CancellationToken.None));

        var line = Assert.Single(log.Lines);
        Assert.Contains("1.5.40", line, StringComparison.Ordinal);
        Assert.Equal(configured, line.Contains("PID-4711", StringComparison.Ordinal));
        Assert.Equal(configured, line.Contains("Doe^Jane", StringComparison.Ordinal));
    }

    private SeriesCompleter Completer(ILogger<SeriesCompleter>? logger = null, bool logPatientIdentifiers = false)
    {
        var destinations = new Dictionary<string, DestinationOptions>(StringComparer.Ordinal) { ["PACS"] = new() { AeTitle = "PACS", Host = "127.0.0.1" } };
        return new SeriesCompleter(database.DataSource, routing, new Router(routing, destinations), queue, storageRoot, clock, logger, logPatientIdentifiers);
    }

    private sealed class ListLogger : ILogger<SeriesCompleter>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) => Lines.Add(formatter(state, exception));
    }

    private async Task ReceiveAsync(string series, string callingAe, int count, string modality = "CT", int firstNumber = 1, string patientId = "", string patientName = "")
    {
        for (var i = firstNumber; i < firstNumber + count; i++)
        {
            // The file as ingest leaves it: under its relative path, as long as recorded.
            var relativePath = $"{series}/{i}.dcm";
            Directory.CreateDirectory(Path.Combine(storageRoot, series));
            await File.WriteAllBytesAsync(Path.Combine(storageRoot, relativePath), new byte[100]);
            await recorder.RecordAsync(
                new ReceivedInstance
                {
                    SopInstanceUid = $"{series}.{i}",
                    SopClassUid = "1.2.840.10008.5.1.4.1.1.2",
                    SeriesInstanceUid = series,
                    StudyInstanceUid = series + ".0",
                    Modality = modality,
                    TransferSyntaxUid = "1.2.840.10008.1.2.1",
                    RelativePath = relativePath,
                    SizeBytes = 100,
                    Processable = modality == "CT",
                    CallingAeTitle = callingAe,
                    CalledAeTitle = "CSEG",
                    PatientId = patientId,
                    PatientName = patientName,
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
