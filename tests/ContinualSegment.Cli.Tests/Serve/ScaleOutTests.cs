using System.Globalization;
using ContinualSegment.Dicom.Network.Tests;
using Npgsql;

namespace ContinualSegment.Cli.Tests.Serve;

/// <summary>
/// Several <c>cseg serve</c> processes on one database and one storage root, against a real storescp PACS: each series
/// is segmented and delivered exactly once, and a node killed with SIGKILL in the middle of a job leaves it to another
/// after its lease expires.
/// </summary>
public sealed class ScaleOutTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("cseg-scaleout-").FullName;
    private ExternalProcess? pacs;
    private int pacsPort;

    private string Received => Path.Combine(directory, "pacs");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Received);
        pacsPort = TestEnvironment.FreeTcpPort();
        // --fork: a PACS serves several associations at once (each node's exporter keeps its association open a moment).
        pacs = ExternalProcess.Start("storescp", ["--fork", "-aet", "PACS", "-od", Received, pacsPort.ToString(CultureInfo.InvariantCulture)], new Dictionary<string, string> { ["TCP_NODELAY"] = "1" });
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        pacs?.Dispose();
        Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Two_nodes_on_one_database_segment_and_deliver_twenty_series_exactly_once()
    {
        var series = await PhantomSeriesAsync("headneck", 20, size: 32, spacing: 10);
        await using var first = await ServeProcess.StartAsync(Settings("node-a"), CancellationToken.None);
        var shared = new Dictionary<string, string>(Settings("node-b"))
        {
            ["ConnectionStrings:Postgres"] = first.ConnectionString,
            ["Storage:Root"] = Path.Combine(first.Directory, "storage"),
        };
        var second = await ServeProcess.StartAsync(shared, CancellationToken.None);
        try
        {
            // Half of the series to each node, all at once.
            var sends = series.Select((s, i) => StoreScuAsync(s, i % 2 == 0 ? first.Port : second.Port)).ToList();
            foreach (var (code, output) in await Task.WhenAll(sends))
            {
                Assert.True(code == 0, output);
            }

            await WaitForAsync(first, TimeSpan.FromMinutes(10), async () => await ScalarAsync<int>(first, "select count(*) from deliveries where state = 'delivered'") == 20, second);

            Assert.Equal(20, await ScalarAsync<int>(first, "select count(*) from jobs"));
            Assert.Equal(20, await ScalarAsync<int>(first, "select count(*) from jobs where state = 'succeeded' and attempts = 1"));
            Assert.Equal(20, await ScalarAsync<int>(first, "select count(*) from job_events where stage = 'claimed'"));
            // A worker that got its own ingest's series while it waited for its quiet period had it loaded ahead.
            Assert.True(await ScalarAsync<int>(first, "select count(*) from job_events where stage = 'inference' and detail like '%series loaded ahead%'") > 0);
            Assert.Equal(20, await ScalarAsync<int>(first, "select count(*) from deliveries where attempts = 1"));
            Assert.Equal(20, await ScalarAsync<int>(first, "select count(*) from audit_events where action = 'series.queued'"));

            // Both schedulers joined one Quartz cluster in the shared database.
            Assert.Equal(2, await ScalarAsync<int>(first, "select count(*) from qrtz_scheduler_state"));

            // The PACS got one SEG and one RTSTRUCT per series, nothing twice (storescp names files by SOP Instance UID).
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(20, Directory.GetFiles(Received, "SG*").Length);
            Assert.Equal(20, Directory.GetFiles(Received, "RS*").Length);
            Assert.Equal(20, await ScalarAsync<int>(first, "select count(*) from audit_events where action = 'delivery.delivered'"));

            // A node stopped by SIGTERM shuts down cleanly (it once aborted while disposing its series prefetcher).
            Assert.True(await second.StopAsync() == 0, second.Log);
            Assert.DoesNotContain("Unhandled exception", second.Log, StringComparison.Ordinal);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_node_killed_mid_job_leaves_the_job_to_another_after_the_lease_and_it_is_delivered_once()
    {
        var series = (await PhantomSeriesAsync("headneck", 1, size: 96, spacing: 2)).Single();
        await using var survivor = await ServeProcess.StartAsync(new Dictionary<string, string>(Settings("survivor")) { ["Node:Roles:0"] = "Ingest" }, CancellationToken.None);
        var victimSettings = new Dictionary<string, string>(Settings("victim"))
        {
            ["ConnectionStrings:Postgres"] = survivor.ConnectionString,
            ["Storage:Root"] = Path.Combine(survivor.Directory, "storage"),
        };
        var victim = await ServeProcess.StartAsync(victimSettings, CancellationToken.None);
        try
        {
            var (code, output) = await StoreScuAsync(series, survivor.Port);
            Assert.True(code == 0, output);
            await WaitForAsync(survivor, TimeSpan.FromMinutes(3), async () => await ScalarAsync<string?>(survivor, "select state from jobs") == "running", victim);
            Assert.Equal("victim", await ScalarAsync<string>(survivor, "select lease_owner from jobs"));

            await victim.KillAsync();
            Assert.Equal("running", await ScalarAsync<string>(survivor, "select state from jobs"));
            Assert.Equal(0, await ScalarAsync<int>(survivor, "select count(*) from deliveries"));
        }
        finally
        {
            await victim.DisposeAsync();
        }

        // Another node with every role takes over once the victim's lease has expired.
        var rescuerSettings = new Dictionary<string, string>(Settings("rescuer"))
        {
            ["ConnectionStrings:Postgres"] = survivor.ConnectionString,
            ["Storage:Root"] = Path.Combine(survivor.Directory, "storage"),
        };
        await using var rescuer = await ServeProcess.StartAsync(rescuerSettings, CancellationToken.None);
        await WaitForAsync(survivor, TimeSpan.FromMinutes(5), async () => await ScalarAsync<int>(survivor, "select count(*) from deliveries where state = 'delivered'") == 1, rescuer);

        Assert.Equal(1, await ScalarAsync<int>(survivor, "select count(*) from jobs"));
        Assert.Equal("succeeded", await ScalarAsync<string>(survivor, "select state from jobs"));
        Assert.Equal(2, await ScalarAsync<int>(survivor, "select attempts from jobs"));
        Assert.Equal(["victim", "rescuer"], (await QueryAsync<string>(survivor, "select substring(detail from ' by (.*)$') from job_events where stage = 'claimed' order by id")).ToArray());
        Assert.Equal(1, await ScalarAsync<int>(survivor, "select attempts from deliveries"));
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(Directory.GetFiles(Received, "SG*"));
        Assert.Single(Directory.GetFiles(Received, "RS*"));
    }

    private Dictionary<string, string> Settings(string name) => new(StringComparer.Ordinal)
    {
        ["Node:Name"] = name,
        ["Routing:QuietPeriodSeconds"] = "2",
        ["Queue:LeaseDuration"] = "00:00:10",
        ["Queue:HeartbeatInterval"] = "00:00:03",
        ["Queue:RetryDelay"] = "00:00:01",
        ["Scheduler:ClusterCheckInInterval"] = "00:00:02",
        ["Destinations:PACS:AeTitle"] = "PACS",
        ["Destinations:PACS:Host"] = "127.0.0.1",
        ["Destinations:PACS:Port"] = pacsPort.ToString(CultureInfo.InvariantCulture),
    };

    private async Task<IReadOnlyList<string>> PhantomSeriesAsync(string task, int cases, int size, int spacing)
    {
        var phantom = Path.Combine(directory, "phantom-" + task + cases.ToString(CultureInfo.InvariantCulture));
        var (code, output, error) = await CsegRunner.RunAsync("phantom", "--out", phantom, "--task", task, "--cases", cases.ToString(CultureInfo.InvariantCulture), "--size", size.ToString(CultureInfo.InvariantCulture), "--slice-spacing", spacing.ToString(CultureInfo.InvariantCulture), "--dicom");
        Assert.True(code == 0, output + error);
        return Directory.GetDirectories(Path.Combine(phantom, "dicom")).Order(StringComparer.Ordinal).ToList();
    }

    private static Task<(int Code, string Output)> StoreScuAsync(string series, int port) =>
        ExternalProcess.RunAsync("storescu", TimeSpan.FromMinutes(2), "-aet", "MODALITY", "-aec", "CSEG", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), "+sd", series);

    private static async Task WaitForAsync(ServeProcess node, TimeSpan timeout, Func<Task<bool>> condition, ServeProcess? other = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.False(node.HasExited(), "the node stopped:\n" + node.Log);
            Assert.True(DateTime.UtcNow < deadline, $"timed out after {timeout}:\n{node.Log}\n{other?.Log}");
            await Task.Delay(200);
        }
    }

    private static async Task<T> ScalarAsync<T>(ServeProcess node, string sql)
    {
        await using var connection = new NpgsqlConnection(node.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
    }

    private static async Task<IReadOnlyList<T>> QueryAsync<T>(ServeProcess node, string sql)
    {
        await using var connection = new NpgsqlConnection(node.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }
}
