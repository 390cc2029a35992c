using ContinualSegment.Node.Scheduling;
using ContinualSegment.Node.Storage;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ContinualSegment.Node.Tests.Scheduling;

public sealed class RetentionSweeperTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly TestPostgres database = new();
    private readonly FakeTimeProvider clock = new(Start);
    private readonly string root = Directory.CreateTempSubdirectory("cseg-retention-").FullName;

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Nothing_is_removed_while_the_retention_days_are_zero()
    {
        var series = await AddProcessedSeriesAsync("1.2.9.1", delivered: true);
        clock.Advance(TimeSpan.FromDays(400));

        var result = await Sweeper(new StorageOptions { Root = root }).SweepAsync(CancellationToken.None);

        Assert.Equal(0, result.Files);
        Assert.Equal(3, await CountAsync("select count(*) from instances where series_ref = @series", new { series }));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(root, "instances"), "*.dcm", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task Delivered_instances_go_after_their_days_with_an_audit_event_and_empty_folders()
    {
        var series = await AddProcessedSeriesAsync("1.2.9.2", delivered: true);
        var options = new StorageOptions { Root = root, KeepInstancesDays = 7 };

        clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(0, (await Sweeper(options).SweepAsync(CancellationToken.None)).Files);

        clock.Advance(TimeSpan.FromDays(2));
        var result = await Sweeper(options).SweepAsync(CancellationToken.None);

        Assert.Equal(1, result.Series);
        Assert.Equal(3, result.Files);
        Assert.Equal(3 * 100, result.Bytes);
        Assert.Equal(0, await CountAsync("select count(*) from instances where series_ref = @series", new { series }));
        Assert.False(Directory.Exists(Path.Combine(root, "instances", "1.2.9.2.1")));
        Assert.True(Directory.Exists(Path.Combine(root, "instances")));
        Assert.Equal(1, await CountAsync("select count(*) from audit_events where action = 'instances.purged' and object_id = '1.2.9.2'", null));

        // Series, job and delivery rows stay; the results are kept (KeepResultsDays 0).
        Assert.Equal(1, await CountAsync("select count(*) from series where id = @series", new { series }));
        Assert.Equal(1, await CountAsync("select count(*) from result_files", null));
        Assert.Equal(0, (await Sweeper(options).SweepAsync(CancellationToken.None)).Files);
    }

    [Fact]
    public async Task Instances_wait_while_a_delivery_is_pending_or_a_newer_job_runs()
    {
        var pending = await AddProcessedSeriesAsync("1.2.9.3", delivered: false);
        var rerun = await AddProcessedSeriesAsync("1.2.9.4", delivered: true);
        await ExecuteAsync(
            "insert into jobs (series_ref, content_version, route, outputs, destinations, state, max_attempts, not_before, created_at) values (@rerun, 2, 'r', '{seg}', '{pacs}', 'queued', 3, @now, @now)",
            new { rerun, now = clock.GetUtcNow() });
        clock.Advance(TimeSpan.FromDays(30));

        var result = await Sweeper(new StorageOptions { Root = root, KeepInstancesDays = 1, KeepResultsDays = 1 }).SweepAsync(CancellationToken.None);

        Assert.Equal(0, result.Series);
        Assert.Equal(3, await CountAsync("select count(*) from instances where series_ref = @pending", new { pending }));
        Assert.Equal(3, await CountAsync("select count(*) from instances where series_ref = @rerun", new { rerun }));
        // The first job of the re-run series was delivered: its results may go, the pending one's may not.
        Assert.Equal(1, result.Jobs);
        Assert.Equal(1, await CountAsync("select count(*) from result_files", null));
    }

    [Fact]
    public async Task Results_go_after_their_days_and_the_job_folder_with_them()
    {
        await AddProcessedSeriesAsync("1.2.9.5", delivered: true);
        clock.Advance(TimeSpan.FromDays(3));

        var result = await Sweeper(new StorageOptions { Root = root, KeepResultsDays = 2 }).SweepAsync(CancellationToken.None);

        Assert.Equal(1, result.Jobs);
        Assert.Equal(1, result.Files);
        Assert.Equal(0, await CountAsync("select count(*) from result_files", null));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(root, "results")));
        Assert.Equal(3, await CountAsync("select count(*) from instances", null));
        Assert.Equal(1, await CountAsync("select count(*) from audit_events where action = 'results.purged'", null));
    }

    [Fact]
    public async Task Unprocessed_series_have_their_own_days_and_a_missing_file_is_no_obstacle()
    {
        var unmatched = await database.AddSeriesAsync("1.2.9.6");
        await ExecuteAsync("update series set state = 'unmatched', last_received_at = @now where id = @unmatched", new { unmatched, now = clock.GetUtcNow() });
        await AddInstancesAsync(unmatched, "1.2.9.6");
        File.Delete(Directory.GetFiles(Path.Combine(root, "instances", "1.2.9.6.1", "1.2.9.6"))[0]);
        var delivered = await AddProcessedSeriesAsync("1.2.9.7", delivered: true);
        clock.Advance(TimeSpan.FromDays(10));

        var result = await Sweeper(new StorageOptions { Root = root, KeepUnprocessedDays = 5 }).SweepAsync(CancellationToken.None);

        Assert.Equal(1, result.Series);
        Assert.Equal(0, await CountAsync("select count(*) from instances where series_ref = @unmatched", new { unmatched }));
        Assert.Equal(3, await CountAsync("select count(*) from instances where series_ref = @delivered", new { delivered }));
    }

    [Theory]
    [InlineData("ignored")]
    [InlineData("unmatched")]
    [InlineData("rejected")]
    public async Task A_series_that_grew_after_its_delivered_job_is_purged_as_a_delivered_one(string stateAfterGrowth)
    {
        // Growth after completion under GrowthPolicy=Ignore (or re-routed to no rule or a refusing one under Rerun):
        // the series keeps its job, delivered; its instances must go after their days all the same, or the disk fills.
        var grown = await AddProcessedSeriesAsync("1.2.9.9", delivered: true);
        await ExecuteAsync("update series set state = @stateAfterGrowth where id = @grown", new { grown, stateAfterGrowth });
        var failedJob = await AddProcessedSeriesAsync("1.2.9.10", delivered: true);
        await ExecuteAsync("update series set state = @stateAfterGrowth where id = @failedJob", new { failedJob, stateAfterGrowth });
        await ExecuteAsync("update jobs set state = 'dead' where series_ref = @failedJob", new { failedJob });
        var options = new StorageOptions { Root = root, KeepInstancesDays = 7, KeepUnprocessedDays = 30 };

        clock.Advance(TimeSpan.FromDays(8));
        var result = await Sweeper(options).SweepAsync(CancellationToken.None);

        Assert.Equal(1, result.Series);
        Assert.Equal(0, await CountAsync("select count(*) from instances where series_ref = @grown", new { grown }));
        Assert.Equal(3, await CountAsync("select count(*) from instances where series_ref = @failedJob", new { failedJob }));

        // The series whose job died goes after the days for unprocessed series.
        clock.Advance(TimeSpan.FromDays(23));
        Assert.Equal(1, (await Sweeper(options).SweepAsync(CancellationToken.None)).Series);
        Assert.Equal(0, await CountAsync("select count(*) from instances where series_ref = @failedJob", new { failedJob }));
    }

    [Fact]
    public async Task A_stored_path_outside_the_root_is_refused_and_nothing_is_removed()
    {
        var series = await AddProcessedSeriesAsync("1.2.9.8", delivered: true);
        await ExecuteAsync("update instances set relative_path = '../outside.dcm' where id = (select min(id) from instances)", null);
        clock.Advance(TimeSpan.FromDays(10));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Sweeper(new StorageOptions { Root = root, KeepInstancesDays = 1 }).SweepAsync(CancellationToken.None));

        Assert.Equal(3, await CountAsync("select count(*) from instances where series_ref = @series", new { series }));
    }

    private RetentionSweeper Sweeper(StorageOptions options) => new(database.DataSource, options, clock, NullLogger<RetentionSweeper>.Instance);

    /// <summary>A series with 3 instance files, its job succeeded with one result file and one delivery.</summary>
    private async Task<long> AddProcessedSeriesAsync(string uid, bool delivered)
    {
        var series = await database.AddSeriesAsync(uid);
        await AddInstancesAsync(series, uid);
        var now = clock.GetUtcNow();
        await ExecuteAsync("update series set state = 'queued', last_received_at = @now where id = @series", new { series, now });
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var job = await connection.ExecuteScalarAsync<long>(
            "insert into jobs (series_ref, content_version, route, outputs, destinations, state, max_attempts, not_before, created_at, finished_at) values (@series, 1, 'r', '{seg}', '{pacs}', 'succeeded', 3, @now, @now, @now) returning id",
            new { series, now });
        var relative = Path.Combine("results", job.ToString(System.Globalization.CultureInfo.InvariantCulture), "seg.dcm");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, relative))!);
        await File.WriteAllBytesAsync(Path.Combine(root, relative), new byte[500]);
        await ExecuteAsync("insert into result_files (job_ref, kind, relative_path, size_bytes) values (@job, 'seg', @relative, 500)", new { job, relative });
        await ExecuteAsync(
            "insert into deliveries (job_ref, destination, state, next_attempt_at, created_at, delivered_at) values (@job, 'pacs', @state, @now, @now, @at)",
            new { job, state = delivered ? "delivered" : "pending", now, at = delivered ? now : (DateTimeOffset?)null });
        return series;
    }

    private async Task AddInstancesAsync(long series, string uid)
    {
        for (var i = 1; i <= 3; i++)
        {
            var relative = Path.Combine("instances", uid + ".1", uid, $"{uid}.{i}.dcm");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, relative))!);
            await File.WriteAllBytesAsync(Path.Combine(root, relative), new byte[100]);
            await ExecuteAsync(
                "insert into instances (sop_instance_uid, sop_class_uid, series_ref, transfer_syntax_uid, relative_path, size_bytes, processable, calling_ae, received_at) values (@sop, '1.2.840.10008.5.1.4.1.1.2', @series, '1.2.840.10008.1.2.1', @relative, 100, true, 'CT01', @now)",
                new { sop = $"{uid}.{i}", series, relative, now = clock.GetUtcNow() });
        }
    }

    private async Task ExecuteAsync(string sql, object? parameters)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    private async Task<int> CountAsync(string sql, object? parameters)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>(sql, parameters);
    }
}
