using ContinualSegment.Node.Export;
using ContinualSegment.Node.Queue;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace ContinualSegment.Node.Tests.Export;

public sealed class DeliveryQueueTests : IAsyncLifetime
{
    private readonly TestPostgres database = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly ExportOptions options = new() { FirstRetryDelay = TimeSpan.FromSeconds(30), MaxRetryDelay = TimeSpan.FromMinutes(2), GiveUpAfter = TimeSpan.FromMinutes(5) };
    private DeliveryQueue deliveries = null!;
    private long jobId;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        deliveries = new DeliveryQueue(database.DataSource, options, clock);
        var jobs = new JobQueue(database.DataSource, new QueueOptions(), clock);
        var series = await database.AddSeriesAsync("1.7.1");
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
            foreach (var (kind, name) in new[] { ("seg", "seg.dcm"), ("rtstruct", "rtstruct.dcm"), ("labels", "labels.nii.gz"), ("report", "report.json") })
            {
                await connection.ExecuteAsync("insert into result_files (job_ref, kind, relative_path, size_bytes) values (@jobId, @kind, @name, 1)", new { jobId, kind, name }, transaction);
            }

            await connection.ExecuteAsync("insert into deliveries (job_ref, destination, next_attempt_at, created_at) values (@jobId, 'PACS', @now, @now)", new { jobId, now = clock.GetUtcNow() }, transaction);
            await transaction.CommitAsync();
        }
    }

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task A_claim_carries_the_DICOM_results_the_job_asked_for_and_only_one_sender_gets_it()
    {
        var first = await deliveries.ClaimAsync("e1", CancellationToken.None);
        var second = await deliveries.ClaimAsync("e2", CancellationToken.None);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal(["rtstruct.dcm", "seg.dcm"], first.RelativePaths);
        Assert.Equal("PACS", first.Destination);
        Assert.Equal(1, first.Attempt);
    }

    [Fact]
    public async Task Failed_sends_back_off_then_die_after_the_give_up_time_and_a_resend_revives_them()
    {
        var delays = new List<TimeSpan>();
        string state;
        do
        {
            var due = await ClaimWhenDueAsync(delays);
            state = await deliveries.FailedAsync(due, "e1", "connection refused", CancellationToken.None);
        }
        while (state == "pending");

        Assert.Equal("dead", state);
        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(2)], delays.Skip(1).Take(3));
        Assert.All(delays.Skip(3), d => Assert.Equal(TimeSpan.FromMinutes(2), d));
        Assert.Equal("connection refused", await ScalarAsync<string>("select last_error from deliveries"));
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Null(await deliveries.ClaimAsync("e1", CancellationToken.None));

        Assert.Equal(ResendOutcome.Queued, await deliveries.ResendAsync(await ScalarAsync<long>("select id from deliveries"), "admin", CancellationToken.None));
        var again = await deliveries.ClaimAsync("e1", CancellationToken.None);
        Assert.NotNull(again);

        // Counted afresh: a failure of the revived delivery backs off by the first delay, not the longest.
        Assert.Equal(1, again.Attempt);
        Assert.Equal("pending", await deliveries.FailedAsync(again, "e1", "connection refused", CancellationToken.None));
        Assert.Equal(options.FirstRetryDelay, await ScalarAsync<DateTime>("select next_attempt_at from deliveries") - clock.GetUtcNow().UtcDateTime);
        clock.Advance(options.FirstRetryDelay);
        again = await deliveries.ClaimAsync("e1", CancellationToken.None);
        Assert.NotNull(again);
        await deliveries.DeliveredAsync(again, "e1", "2 instance(s)", CancellationToken.None);
        Assert.Equal("delivered", await ScalarAsync<string>("select state from deliveries"));
        Assert.Equal(1, await ScalarAsync<int>("select count(*) from audit_events where action = 'delivery.dead'"));
        Assert.Equal(1, await ScalarAsync<int>("select count(*) from audit_events where action = 'delivery.delivered'"));
    }

    [Fact]
    public async Task A_sender_that_dies_mid_send_loses_the_delivery_to_another_after_its_lease()
    {
        var first = await deliveries.ClaimAsync("e1", CancellationToken.None);
        Assert.NotNull(first);
        clock.Advance(options.LeaseDuration - TimeSpan.FromSeconds(1));
        Assert.Null(await deliveries.ClaimAsync("e2", CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(1));

        var taken = await deliveries.ClaimAsync("e2", CancellationToken.None);

        Assert.NotNull(taken);
        Assert.Equal(2, taken.Attempt);
        await deliveries.DeliveredAsync(first, "e1", "late", CancellationToken.None);
        Assert.Equal("sending", await ScalarAsync<string>("select state from deliveries"));
        await deliveries.DeliveredAsync(taken, "e2", "2 instance(s)", CancellationToken.None);
        Assert.Equal("delivered", await ScalarAsync<string>("select state from deliveries"));
    }

    [Fact]
    public async Task A_long_send_keeps_its_delivery_by_renewing_the_lease_and_a_resend_does_not_take_it_from_the_sender()
    {
        var first = await deliveries.ClaimAsync("e1", CancellationToken.None);
        Assert.NotNull(first);
        var id = await ScalarAsync<long>("select id from deliveries");
        for (var i = 0; i < 3; i++)
        {
            clock.Advance(options.LeaseDuration / 2);
            Assert.True(await deliveries.RenewAsync(first, "e1", CancellationToken.None));
            Assert.Null(await deliveries.ClaimAsync("e2", CancellationToken.None));
        }

        Assert.False(await deliveries.RenewAsync(first, "e2", CancellationToken.None));
        Assert.Equal(ResendOutcome.InFlight, await deliveries.ResendAsync(id, "admin", CancellationToken.None));
        Assert.Equal("sending", await ScalarAsync<string>("select state from deliveries"));

        await deliveries.DeliveredAsync(first, "e1", "2 instance(s)", CancellationToken.None);
        Assert.Equal("delivered", await ScalarAsync<string>("select state from deliveries"));
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from audit_events where action = 'delivery.resend'"));
        Assert.Equal(ResendOutcome.NotFound, await deliveries.ResendAsync(id + 1000, "admin", CancellationToken.None));

        // Retention removed the results: a resend would have nothing to send.
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("delete from result_files where kind in ('seg', 'rtstruct')");
        }

        Assert.Equal(ResendOutcome.NoResults, await deliveries.ResendAsync(id, "admin", CancellationToken.None));
        Assert.Equal("delivered", await ScalarAsync<string>("select state from deliveries"));
    }

    [Fact]
    public async Task A_delivery_given_back_at_shutdown_is_due_at_once_with_its_attempts_unchanged()
    {
        var first = await deliveries.ClaimAsync("e1", CancellationToken.None);
        Assert.NotNull(first);
        Assert.False(await deliveries.ReleaseAsync(first, "e2", CancellationToken.None));
        Assert.True(await deliveries.ReleaseAsync(first, "e1", CancellationToken.None));

        var again = await deliveries.ClaimAsync("e2", CancellationToken.None);
        Assert.NotNull(again);
        Assert.Equal(1, again.Attempt);
        Assert.False(await deliveries.ReleaseAsync(first, "e1", CancellationToken.None));
    }

    private async Task<DueDelivery> ClaimWhenDueAsync(List<TimeSpan> delays)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            if (await deliveries.ClaimAsync("e1", CancellationToken.None) is { } due)
            {
                delays.Add(waited);
                return due;
            }

            clock.Advance(TimeSpan.FromSeconds(1));
            waited += TimeSpan.FromSeconds(1);
        }
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using NpgsqlConnection connection = await database.DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }
}
