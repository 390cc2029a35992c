using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ContinualSegment.Dicom;
using ContinualSegment.Dicom.Network.Tests;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Export;
using ContinualSegment.Node.Export;
using ContinualSegment.Node.Hosting;
using ContinualSegment.Node.Queue;
using ContinualSegment.Node.Storage;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ContinualSegment.Node.Tests.Export;

/// <summary>The export role against a real dcmtk storescp that is down at first, on a real PostgreSQL and the real clock.</summary>
public sealed class ExportServiceTests : IAsyncLifetime, IDisposable
{
    private readonly TestPostgres database = new();
    private readonly string root = Directory.CreateTempSubdirectory("cseg-export-").FullName;
    private long jobId;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();

        // Two DICOM result files of a job (CT images stand in for the SEG and RTSTRUCT: any storage class travels alike).
        var results = Path.Combine(root, "storage", "results", "job");
        var written = await CtSeriesWriter.WriteAsync(
            new Volume<float>(16, 16, 2, Affine3D.Axial(new Vec3(0, 0, 0), new Vec3(1, 1, 2))),
            new CtSeriesMetadata { PatientName = "Export^Test", PatientId = "E1", StudyInstanceUid = DicomUid.Generate(), SeriesInstanceUid = DicomUid.Generate(), FrameOfReferenceUid = DicomUid.Generate() },
            results,
            CancellationToken.None);

        var jobs = new JobQueue(database.DataSource, new QueueOptions(), TimeProvider.System);
        var series = await database.AddSeriesAsync("1.8.1");
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            (jobId, _) = await jobs.EnqueueAsync(transaction, new JobRequest(series, 0, "default", ["seg", "rtstruct"], ["PACS"]), CancellationToken.None);
            await transaction.CommitAsync();
        }

        await jobs.ClaimAsync("w", CancellationToken.None);
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await jobs.CompleteAsync(transaction, jobId, "w", "{}", CancellationToken.None);
            foreach (var (kind, path) in new[] { ("seg", written[0]), ("rtstruct", written[1]) })
            {
                var relative = Path.GetRelativePath(Path.Combine(root, "storage"), path);
                await connection.ExecuteAsync("insert into result_files (job_ref, kind, relative_path, size_bytes) values (@jobId, @kind, @relative, 1)", new { jobId, kind, relative }, transaction);
            }

            await connection.ExecuteAsync("insert into deliveries (job_ref, destination, next_attempt_at, created_at) values (@jobId, 'PACS', now(), now())", new { jobId }, transaction);
            await transaction.CommitAsync();
        }
    }

    public Task DisposeAsync() => database.DisposeAsync();

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task A_destination_that_is_down_is_retried_with_back_off_and_gets_the_results_once_when_it_returns()
    {
        var port = FreePort();
        var options = new ExportOptions { FirstRetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(2), GiveUpAfter = TimeSpan.FromMinutes(5), PollInterval = TimeSpan.FromMilliseconds(200) };
        var destinations = new Dictionary<string, DestinationOptions>(StringComparer.Ordinal)
        {
            ["PACS"] = new() { AeTitle = "PACS", Host = "127.0.0.1", Port = port },
        };
        await using var node = new NodeDatabase(new DatabaseOptions { Mode = DatabaseMode.External, ConnectionString = database.ConnectionString }, TimeProvider.System);
        await node.StartAsync(CancellationToken.None);
        using var service = new ExportService(node, Options.Create(new NodeOptions { Name = "exporter" }), Options.Create(options), Options.Create(new StorageOptions { Root = Path.Combine(root, "storage") }), destinations, TimeProvider.System, NullLoggerFactory.Instance);
        await service.StartAsync(CancellationToken.None);
        Process? scp = null;
        try
        {
            // Nobody listens: attempts fail and the delivery waits for its next attempt, never dead within the give-up time.
            // One reading of the row between two attempts (a further attempt may be under way: 'sending' for a moment).
            var row = await RowAsync();
            for (var deadline = DateTime.UtcNow.AddSeconds(60); !(row.Attempts >= 2 && row.State == "pending") && DateTime.UtcNow < deadline; row = await RowAsync())
            {
                await Task.Delay(50);
            }

            var (state, failedAttempts, error, gap) = row;
            Assert.True(failedAttempts >= 2, $"{failedAttempts} attempt(s)");
            Assert.Equal("pending", state);
            Assert.NotEqual(string.Empty, error);
            Assert.True(gap <= 2.5, $"the next attempt is {gap:0.0} s away; the back-off is capped at 2 s");

            // The destination returns.
            var received = Directory.CreateDirectory(Path.Combine(root, "pacs")).FullName;
            scp = StartStoreScp(port, received);
            await WaitForAsync(async () => await ScalarAsync<string>("select state from deliveries") == "delivered");

            var attempts = await ScalarAsync<int>("select attempts from deliveries");
            Assert.True(attempts >= 3, $"{attempts} attempt(s)");
            Assert.Equal(2, Directory.GetFiles(received).Length);
            Assert.Equal(1, await ScalarAsync<int>("select count(*) from audit_events where action = 'delivery.delivered'"));
            Assert.Equal(attempts - 1, await ScalarAsync<int>("select count(*) from audit_events where action = 'delivery.pending'"));

            // Delivered once: nothing is sent again afterwards.
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(attempts, await ScalarAsync<int>("select attempts from deliveries"));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
            if (scp is not null)
            {
                scp.Kill(entireProcessTree: true);
                await scp.WaitForExitAsync();
                scp.Dispose();
            }
        }
    }

    [Fact]
    public async Task Deliveries_to_one_destination_in_a_row_share_one_association()
    {
        // A second job of another series with its own delivery to the same destination.
        var results = Path.Combine(root, "storage", "results", "job2");
        var written = await CtSeriesWriter.WriteAsync(
            new Volume<float>(16, 16, 2, Affine3D.Axial(new Vec3(0, 0, 0), new Vec3(1, 1, 2))),
            new CtSeriesMetadata { PatientName = "Export^Two", PatientId = "E2", StudyInstanceUid = DicomUid.Generate(), SeriesInstanceUid = DicomUid.Generate(), FrameOfReferenceUid = DicomUid.Generate() },
            results,
            CancellationToken.None);
        var series = await database.AddSeriesAsync("1.8.2");
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            var job = await connection.ExecuteScalarAsync<long>(
                "insert into jobs (series_ref, content_version, route, decoders, outputs, destinations, priority, max_attempts, not_before, created_at, state) values (@series, 0, 'default', '{}', '{seg,rtstruct}', '{PACS}', 0, 3, now(), now(), 'succeeded') returning id",
                new { series });
            foreach (var (kind, path) in new[] { ("seg", written[0]), ("rtstruct", written[1]) })
            {
                await connection.ExecuteAsync("insert into result_files (job_ref, kind, relative_path, size_bytes) values (@job, @kind, @relative, 1)", new { job, kind, relative = Path.GetRelativePath(Path.Combine(root, "storage"), path) });
            }

            await connection.ExecuteAsync("insert into deliveries (job_ref, destination, next_attempt_at, created_at) values (@job, 'PACS', now(), now())", new { job });
        }

        var port = FreePort();
        var received = Directory.CreateDirectory(Path.Combine(root, "pacs")).FullName;
        using var scp = ExternalProcess.Start("storescp", ["-v", "--aetitle", "PACS", "--output-directory", received, port.ToString(CultureInfo.InvariantCulture)], new Dictionary<string, string> { ["TCP_NODELAY"] = "1" });
        await WaitForPortAsync(port);
        var destinations = new Dictionary<string, DestinationOptions>(StringComparer.Ordinal) { ["PACS"] = new() { AeTitle = "PACS", Host = "127.0.0.1", Port = port } };
        await using var node = new NodeDatabase(new DatabaseOptions { Mode = DatabaseMode.External, ConnectionString = database.ConnectionString }, TimeProvider.System);
        await node.StartAsync(CancellationToken.None);
        using var service = new ExportService(node, Options.Create(new NodeOptions { Name = "exporter" }), Options.Create(new ExportOptions { PollInterval = TimeSpan.FromMilliseconds(200), AssociationIdleTime = TimeSpan.FromSeconds(30) }), Options.Create(new StorageOptions { Root = Path.Combine(root, "storage") }), destinations, TimeProvider.System, NullLoggerFactory.Instance);
        await service.StartAsync(CancellationToken.None);
        try
        {
            await WaitForAsync(async () => await ScalarAsync<int>("select count(*) from deliveries where state = 'delivered'") == 2);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }

        Assert.Equal(4, Directory.GetFiles(received).Length);
        Assert.Equal(1, await ScalarAsync<int>("select count(*) from audit_events where action = 'delivery.delivered' and detail like '%(association reused)%'"));
        // storescp logs each association it acknowledges (the port probe above is received, never acknowledged): one for both deliveries.
        Assert.True(CountOf(scp.Output, "Association Acknowledged") == 1, scp.Output);
    }

    private static Process StartStoreScp(int port, string directory)
    {
        var info = new ProcessStartInfo("storescp") { UseShellExecute = false };
        foreach (var a in new[] { "--aetitle", "PACS", "--output-directory", directory, port.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["TCP_NODELAY"] = "1";
        return Process.Start(info)!;
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task WaitForPortAsync(int port)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(25);
            }
        }

        throw new TimeoutException($"storescp did not listen on port {port}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(await condition());
    }

    private async Task<(string State, int Attempts, string Error, double Gap)> RowAsync()
    {
        await using NpgsqlConnection connection = await database.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(string, int, string, double)>(
            "select state, attempts, last_error, extract(epoch from next_attempt_at - now())::float8 from deliveries");
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using NpgsqlConnection connection = await database.DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }
}
