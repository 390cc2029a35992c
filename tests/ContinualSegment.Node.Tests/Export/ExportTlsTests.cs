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

/// <summary>
/// The export role over DICOM TLS (<c>Destinations:NAME:Tls</c>) against dcmtk's storescp listening with TLS only:
/// a destination whose CA signed storescp's certificate receives the results; one trusting another CA fails the
/// delivery with the reason recorded.
/// </summary>
#pragma warning disable CA1001 // Disposed in IAsyncLifetime.DisposeAsync.
public sealed class ExportTlsTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly TestPostgres database = new();
    private readonly TestPki pki = new();
    private readonly string root = Directory.CreateTempSubdirectory("cseg-export-tls-").FullName;
    private NodeDatabase node = null!;

    private string Storage => Path.Combine(root, "storage");

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        await pki.InitializeAsync();
        node = new NodeDatabase(new DatabaseOptions { Mode = DatabaseMode.External, ConnectionString = database.ConnectionString }, TimeProvider.System);
        await node.StartAsync(CancellationToken.None);
        var results = Path.Combine(Storage, "results", "job1");
        var volume = new Volume<float>(8, 8, 2, Affine3D.Axial(new Vec3(0, 0, 0), new Vec3(1, 1, 2)));
        var files = await CtSeriesWriter.WriteAsync(volume, new CtSeriesMetadata
        {
            PatientName = "Export^Tls",
            PatientId = "EXP-1",
            StudyInstanceUid = DicomUid.Generate(),
            SeriesInstanceUid = DicomUid.Generate(),
            FrameOfReferenceUid = DicomUid.Generate(),
        }, results, CancellationToken.None);

        var jobs = new JobQueue(database.DataSource, new QueueOptions(), TimeProvider.System);
        var series = await database.AddSeriesAsync("1.7.2");
        await using var connection = await database.DataSource.OpenConnectionAsync();
        long jobId;
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            (jobId, _) = await jobs.EnqueueAsync(transaction, new JobRequest(series, 0, "default", ["seg", "rtstruct"], ["PACS"]), CancellationToken.None);
            await transaction.CommitAsync();
        }

        await jobs.ClaimAsync("w", CancellationToken.None);
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await jobs.CompleteAsync(transaction, jobId, "w", "{}", CancellationToken.None);
            foreach (var (kind, file) in new[] { ("seg", files[0]), ("rtstruct", files[1]) })
            {
                await connection.ExecuteAsync(
                    "insert into result_files (job_ref, kind, relative_path, size_bytes) values (@jobId, @kind, @path, 1)",
                    new { jobId, kind, path = Path.GetRelativePath(Storage, file) },
                    transaction);
            }

            await connection.ExecuteAsync("insert into deliveries (job_ref, destination, next_attempt_at, created_at) values (@jobId, 'PACS', now(), now())", new { jobId }, transaction);
            await transaction.CommitAsync();
        }
    }

    public async Task DisposeAsync()
    {
        await node.DisposeAsync();
        await database.DisposeAsync();
        await pki.DisposeAsync();
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task Results_reach_a_TLS_only_storescp_whose_certificate_the_configured_CA_signed()
    {
        var received = Directory.CreateDirectory(Path.Combine(root, "received")).FullName;
        var port = FreePort();
        using var storescp = StartTlsStorescp(port, received);
        var destination = Destination(port, new DestinationTlsOptions
        {
            Enabled = true,
            CaFile = pki.CaFile,
            CertificateFile = pki.ClientCertificate,
            KeyFile = pki.ClientKey,
            ServerName = "localhost",
        });
        Assert.Empty(NodeOptionsRules.Destinations(new Dictionary<string, DestinationOptions> { ["PACS"] = destination }));

        await RunExportAsync(destination, async () => await ScalarAsync<string>("select state from deliveries") == "delivered", storescp);

        Assert.Equal(2, Directory.GetFiles(received).Length);
        Assert.Contains("2 instance(s)", await ScalarAsync<string>("select detail from audit_events where action = 'delivery.delivered'"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_destination_CA_that_did_not_sign_the_peer_fails_the_delivery_with_the_reason()
    {
        var received = Directory.CreateDirectory(Path.Combine(root, "received")).FullName;
        var port = FreePort();
        using var storescp = StartTlsStorescp(port, received);
        var destination = Destination(port, new DestinationTlsOptions { Enabled = true, CaFile = pki.OtherCaFile });

        // A first attempt may come before storescp listens ("Connection refused"); the retry a second later meets it.
        await RunExportAsync(destination, async () => (await ScalarAsync<string?>("select last_error from deliveries"))?.Contains("TLS", StringComparison.Ordinal) == true, storescp);

        var error = await ScalarAsync<string>("select last_error from deliveries");
        Assert.Equal("pending", await ScalarAsync<string>("select state from deliveries"));
        Assert.Contains("TLS certificate was refused", error, StringComparison.Ordinal);
        Assert.Contains("trusted CA", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(received));
    }

    [Fact]
    public void Missing_or_unparsable_TLS_files_are_named_one_line_each_at_start()
    {
        var garbage = Path.Combine(root, "garbage.pem");
        File.WriteAllText(garbage, "not a certificate");
        var destinations = new Dictionary<string, DestinationOptions>(StringComparer.Ordinal)
        {
            ["A"] = Destination(104, new DestinationTlsOptions { Enabled = true, CaFile = "/nonexistent/ca.pem", CertificateFile = "/nonexistent/c.pem", KeyFile = pki.ClientKey }),
            ["B"] = Destination(104, new DestinationTlsOptions { Enabled = true, CaFile = garbage }),
            ["C"] = Destination(104, new DestinationTlsOptions { Enabled = true, CertificateFile = pki.ClientCertificate, KeyFile = pki.ServerKey }),
            ["D"] = Destination(104, new DestinationTlsOptions { Enabled = false, CaFile = "/nonexistent/ignored.pem" }),
        };

        var problems = NodeOptionsRules.Destinations(destinations).ToList();

        Assert.Equal(4, problems.Count);
        Assert.Contains("Destinations:A:Tls:CaFile '/nonexistent/ca.pem' does not exist", problems);
        Assert.Contains("Destinations:A:Tls:CertificateFile '/nonexistent/c.pem' does not exist", problems);
        Assert.Contains(problems, p => p.StartsWith("Destinations:B:Tls: ", StringComparison.Ordinal) && p.Contains(garbage, StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Destinations:C:Tls: ", StringComparison.Ordinal) && p.Contains(pki.ClientCertificate, StringComparison.Ordinal));
    }

    private static DestinationOptions Destination(int port, DestinationTlsOptions tls) =>
        new() { AeTitle = "STORESCP", Host = "127.0.0.1", Port = port, Tls = tls };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private ExternalProcess StartTlsStorescp(int port, string output) =>
        ExternalProcess.Start(
            "storescp",
            ["+tls", pki.ServerKey, pki.ServerCertificate, "+cf", pki.CaFile, "-aet", "STORESCP", "-od", output, port.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["TCP_NODELAY"] = "1" });

    // Runs the export role until the condition holds (or 30 s pass), then stops it. Retries come after 1 s, in case
    // the first attempt came before storescp listened.
    private async Task RunExportAsync(DestinationOptions destination, Func<Task<bool>> condition, ExternalProcess peer)
    {
        using var service = new ExportService(
            node,
            Options.Create(new NodeOptions()),
            Options.Create(new ExportOptions { PollInterval = TimeSpan.FromMilliseconds(200), FirstRetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(1) }),
            Options.Create(new StorageOptions { Root = Storage }),
            new Dictionary<string, DestinationOptions>(StringComparer.Ordinal) { ["PACS"] = destination },
            TimeProvider.System,
            NullLoggerFactory.Instance);
        await service.StartAsync(CancellationToken.None);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!await condition() && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.True(await condition(), "timed out; storescp said: " + peer.Output);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using NpgsqlConnection connection = await database.DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }
}
