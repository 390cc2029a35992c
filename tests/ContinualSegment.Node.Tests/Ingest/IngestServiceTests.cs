using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ContinualSegment.Dicom;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Export;
using ContinualSegment.Node.Hosting;
using ContinualSegment.Node.Ingest;
using ContinualSegment.Node.Storage;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ContinualSegment.Node.Tests.Ingest;

/// <summary>The ingest role against real peers: dcmtk's storescu sends, a real PostgreSQL records.</summary>
#pragma warning disable CA1001 // Disposed in IAsyncLifetime.DisposeAsync.
public sealed class IngestServiceTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly TestPostgres database = new();
    private readonly string root = Directory.CreateTempSubdirectory("cseg-ingest-").FullName;
    private string series = string.Empty;
    private NodeDatabase node = null!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        node = new NodeDatabase(new DatabaseOptions { Mode = DatabaseMode.External, ConnectionString = database.ConnectionString }, TimeProvider.System);
        await node.StartAsync(CancellationToken.None);
        series = Path.Combine(root, "ct");
        var volume = new Volume<float>(16, 16, 6, Affine3D.Axial(new Vec3(0, 0, 0), new Vec3(1, 1, 2)));
        Array.Fill(volume.Data, 40f);
        await CtSeriesWriter.WriteAsync(volume, new CtSeriesMetadata
        {
            PatientName = "Test^Patient",
            PatientId = "ING-1",
            StudyInstanceUid = DicomUid.Generate(),
            SeriesInstanceUid = DicomUid.Generate(),
            FrameOfReferenceUid = DicomUid.Generate(),
        }, series, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await node.DisposeAsync();
        await database.DisposeAsync();
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task A_series_from_storescu_is_stored_durably_and_recorded_once()
    {
        await using var ingest = Start(new DicomListenerOptions { AeTitle = "CSEG", Port = 0, BindAddress = "127.0.0.1" }, freeBytes: long.MaxValue);

        var (code, output) = await StoreScuAsync("CT01", "CSEG", ingest.Port);
        var again = await StoreScuAsync("CT01", "CSEG", ingest.Port);

        Assert.True(code == 0, output);
        Assert.True(again.Code == 0, again.Output);
        Assert.Equal(6, await ScalarAsync<int>("select count(*) from instances"));
        Assert.Equal(6, await ScalarAsync<int>("select instance_count from series"));
        Assert.Equal(6, await ScalarAsync<int>("select count(*) from audit_events where action = 'instance.stored'"));
        Assert.Equal(6, Directory.EnumerateFiles(Path.Combine(root, "storage", "instances"), "*.dcm", SearchOption.AllDirectories).Count());
        var stored = await ScalarAsync<string>("select relative_path from instances limit 1");
        using var file = DicomFile.Open(Path.Combine(root, "storage", stored));
        Assert.Equal("CT", file.Dataset.GetString(ContinualSegment.Dicom.DicomTags.Modality));
    }

    [Fact]
    public async Task A_series_sent_again_after_its_folder_was_purged_is_stored_again()
    {
        // Regression: the handler remembered the folders it had made, so once retention (or an administrator) removed a
        // series' folder every later instance of that series failed with A700 until the node restarted.
        await using var ingest = Start(new DicomListenerOptions { AeTitle = "CSEG", Port = 0, BindAddress = "127.0.0.1" }, freeBytes: long.MaxValue);
        var first = await StoreScuAsync("CT01", "CSEG", ingest.Port);
        Assert.True(first.Code == 0, first.Output);

        Directory.Delete(Path.Combine(root, "storage", "instances"), recursive: true);
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("delete from instances");
        }

        var again = await StoreScuAsync("CT01", "CSEG", ingest.Port);

        Assert.True(again.Code == 0, again.Output);
        Assert.Equal(6, await ScalarAsync<int>("select count(*) from instances"));
        Assert.Equal(6, Directory.EnumerateFiles(Path.Combine(root, "storage", "instances"), "*.dcm", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public async Task Below_the_low_water_mark_a_store_is_refused_with_A700_and_nothing_is_written()
    {
        await using var ingest = Start(new DicomListenerOptions { AeTitle = "CSEG", Port = 0, BindAddress = "127.0.0.1" }, freeBytes: 10L * 1024 * 1024);

        var (_, output) = await StoreScuAsync("CT01", "CSEG", ingest.Port);

        Assert.True(output.Contains("0xa700", StringComparison.OrdinalIgnoreCase) || output.Contains("OutOfResources", StringComparison.OrdinalIgnoreCase), output);
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from instances"));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(root, "storage"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Callers_not_allowed_and_unknown_called_ae_titles_are_rejected()
    {
        var options = new DicomListenerOptions { AeTitle = "CSEG", Port = 0, BindAddress = "127.0.0.1" };
        options.AllowedCallers.Add(new AllowedCaller { AeTitle = "CT01", Address = "127.0.0.1" });
        await using var ingest = Start(options, freeBytes: long.MaxValue);

        var stranger = await StoreScuAsync("STRANGER", "CSEG", ingest.Port);
        var wrongCalled = await StoreScuAsync("CT01", "OTHER", ingest.Port);
        var allowed = await StoreScuAsync("CT01", "CSEG", ingest.Port);

        Assert.NotEqual(0, stranger.Code);
        Assert.Contains("Calling AE Title Not Recognized", stranger.Output, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(0, wrongCalled.Code);
        Assert.Contains("Called AE Title Not Recognized", wrongCalled.Output, StringComparison.OrdinalIgnoreCase);
        Assert.True(allowed.Code == 0, allowed.Output);
        await WaitForAsync(async () => await ScalarAsync<int>("select count(*) from audit_events where action = 'association.rejected'") == 2);
    }

    private IngestService Start(DicomListenerOptions listener, long freeBytes)
    {
        var service = new IngestService(
            node,
            Options.Create(listener),
            Options.Create(new StorageOptions { Root = Path.Combine(root, "storage"), LowWaterMarkMegabytes = 100 }),
            Options.Create(new IngestOptions()),
            new FixedFreeSpace(freeBytes),
            TimeProvider.System,
            NullLoggerFactory.Instance,
            []);
        service.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return service;
    }

    private async Task<(int Code, string Output)> StoreScuAsync(string calling, string called, int port)
    {
        var info = new ProcessStartInfo("storescu") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "-aet", calling, "-aec", called, "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "+sd", series })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["TCP_NODELAY"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100 && !await condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(await condition());
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using NpgsqlConnection connection = await database.DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }

    private sealed class FixedFreeSpace(long bytes) : IFreeSpace
    {
        public long AvailableBytes(string directory) => bytes;
    }
}
