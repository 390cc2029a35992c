using ContinualSegment.Node.Queue;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace ContinualSegment.Node.Tests.Queue;

public sealed class JobQueueTests : IAsyncLifetime
{
    private readonly TestPostgres database = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly QueueOptions options = new() { LeaseDuration = TimeSpan.FromMinutes(2), MaxAttempts = 3, RetryDelay = TimeSpan.FromSeconds(30) };
    private JobQueue queue = null!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        queue = new JobQueue(database.DataSource, options, clock);
    }

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task The_same_series_content_queued_twice_is_one_job()
    {
        var series = await database.AddSeriesAsync("1.2.3.1");

        var first = await EnqueueAsync(series, 1);
        var second = await EnqueueAsync(series, 1);
        var newer = await EnqueueAsync(series, 2);

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.JobId, second.JobId);
        Assert.True(newer.Created);
        Assert.Equal(2, await ScalarAsync<int>("select count(*) from jobs"));
        Assert.Equal(2, await ScalarAsync<int>("select count(*) from audit_events where action = 'job.queued'"));
    }

    [Fact]
    public async Task Concurrent_workers_never_claim_the_same_job()
    {
        for (var i = 0; i < 12; i++)
        {
            await EnqueueAsync(await database.AddSeriesAsync($"1.2.3.{10 + i}"), 1);
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            var mine = new List<long>();
            while (await queue.ClaimAsync($"worker-{w}", CancellationToken.None) is { } job)
            {
                mine.Add(job.Id);
            }

            return mine;
        })));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(12, all.Count);
        Assert.Equal(12, all.Distinct().Count());
        Assert.Equal(12, await ScalarAsync<int>("select count(*) from jobs where state = 'running' and attempts = 1"));
    }

    [Fact]
    public async Task A_job_released_at_shutdown_is_due_at_once_and_keeps_its_attempts()
    {
        // A routine restart on a job's last attempt must not send it to the dead letter.
        var (jobId, _) = await EnqueueAsync(await database.AddSeriesAsync("1.2.3.40"), 1);
        for (var attempt = 1; attempt <= options.MaxAttempts; attempt++)
        {
            var job = await queue.ClaimAsync("w1", CancellationToken.None);
            Assert.NotNull(job);
            Assert.Equal(1, job.Attempt);
            Assert.False(await queue.ReleaseAsync(jobId, "w2", "not mine", CancellationToken.None));
            Assert.True(await queue.ReleaseAsync(jobId, "w1", "the worker stopped during the job", CancellationToken.None));
            Assert.Equal("queued", await ScalarAsync<string>("select state from jobs"));
        }

        Assert.Equal(options.MaxAttempts, await ScalarAsync<int>("select count(*) from audit_events where action = 'job.released'"));
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from audit_events where action in ('job.dead', 'job.retry')"));
    }

    [Fact]
    public async Task A_heartbeat_keeps_the_lease_and_an_expired_lease_puts_the_job_back()
    {
        var (jobId, _) = await EnqueueAsync(await database.AddSeriesAsync("1.2.3.30"), 1);
        var job = await queue.ClaimAsync("w1", CancellationToken.None);
        Assert.NotNull(job);
        Assert.Equal(clock.GetUtcNow() + options.LeaseDuration, job.LeaseExpiresAt);

        clock.Advance(TimeSpan.FromMinutes(1.5));
        Assert.True(await queue.HeartbeatAsync(jobId, "w1", CancellationToken.None));
        clock.Advance(TimeSpan.FromMinutes(1.5));
        Assert.Equal(0, await queue.RequeueExpiredAsync(CancellationToken.None));
        Assert.Null(await queue.ClaimAsync("w2", CancellationToken.None));

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await queue.RequeueExpiredAsync(CancellationToken.None));
        Assert.False(await queue.HeartbeatAsync(jobId, "w1", CancellationToken.None));
        var again = await queue.ClaimAsync("w2", CancellationToken.None);
        Assert.NotNull(again);
        Assert.Equal(jobId, again.Id);
        Assert.Equal(2, again.Attempt);

        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        Assert.False(await queue.CompleteAsync(transaction, jobId, "w1", "{}", CancellationToken.None));
        Assert.True(await queue.CompleteAsync(transaction, jobId, "w2", """{"structures": 3}""", CancellationToken.None));
        await transaction.CommitAsync();
        Assert.Equal("succeeded", await ScalarAsync<string>($"select state from jobs where id = {jobId}"));
        Assert.Equal(3, await ScalarAsync<int>($"select (result->>'structures')::int from jobs where id = {jobId}"));
        var stages = (await connection.QueryAsync<string>($"select stage from job_events where job_ref = {jobId} order by id")).ToList();
        Assert.Equal(["queued", "claimed", "retry", "claimed", "succeeded"], stages);
    }

    [Fact]
    public async Task Failed_attempts_back_off_and_end_in_the_dead_letter_with_the_reason()
    {
        var (jobId, _) = await EnqueueAsync(await database.AddSeriesAsync("1.2.3.40"), 1);

        Assert.NotNull(await queue.ClaimAsync("w", CancellationToken.None));
        Assert.Equal(JobFailureOutcome.Retrying, await queue.FailAsync(jobId, "w", "destination timed out", retryable: true, CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Null(await queue.ClaimAsync("w", CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(await queue.ClaimAsync("w", CancellationToken.None));
        Assert.Equal(JobFailureOutcome.Retrying, await queue.FailAsync(jobId, "w", "again", retryable: true, CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(await queue.ClaimAsync("w", CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(await queue.ClaimAsync("w", CancellationToken.None));
        Assert.Equal(JobFailureOutcome.Dead, await queue.FailAsync(jobId, "w", "out of memory", retryable: true, CancellationToken.None));

        Assert.Equal("dead", await ScalarAsync<string>($"select state from jobs where id = {jobId}"));
        Assert.Equal("out of memory", await ScalarAsync<string>($"select last_error from jobs where id = {jobId}"));
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Null(await queue.ClaimAsync("w", CancellationToken.None));

        Assert.True(await queue.RetryAsync(jobId, "admin", CancellationToken.None));
        var retried = await queue.ClaimAsync("w", CancellationToken.None);
        Assert.NotNull(retried);
        Assert.Equal(1, retried.Attempt);
        Assert.Equal(1, await ScalarAsync<int>("select count(*) from audit_events where action = 'job.retried' and actor = 'admin'"));
    }

    [Fact]
    public async Task A_permanent_failure_is_not_retried_and_a_lost_lease_changes_nothing()
    {
        var (jobId, _) = await EnqueueAsync(await database.AddSeriesAsync("1.2.3.50"), 1);
        Assert.NotNull(await queue.ClaimAsync("w", CancellationToken.None));

        Assert.Equal(JobFailureOutcome.LeaseLost, await queue.FailAsync(jobId, "someone-else", "x", retryable: true, CancellationToken.None));
        Assert.Equal(JobFailureOutcome.Failed, await queue.FailAsync(jobId, "w", "series has no CT images", retryable: false, CancellationToken.None));

        Assert.Equal("failed", await ScalarAsync<string>($"select state from jobs where id = {jobId}"));
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Null(await queue.ClaimAsync("w", CancellationToken.None));
    }

    [Fact]
    public async Task A_queued_job_and_its_audit_exist_only_when_the_causing_transaction_commits()
    {
        var series = await database.AddSeriesAsync("1.2.3.60");
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await queue.EnqueueAsync(transaction, Request(series, 1), CancellationToken.None);
            await transaction.RollbackAsync();
        }

        Assert.Equal(0, await ScalarAsync<int>("select count(*) from jobs"));
        Assert.Equal(0, await ScalarAsync<int>("select count(*) from audit_events"));
    }

    [Fact]
    public async Task Queuing_a_job_wakes_a_listening_worker_at_commit()
    {
        var series = await database.AddSeriesAsync("1.2.3.70");
        await using var listener = await database.DataSource.OpenConnectionAsync();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Notification += (_, e) => received.TrySetResult(e.Payload);
        await listener.ExecuteAsync($"listen {JobQueue.Channel}");

        var (jobId, _) = await EnqueueAsync(series, 1);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var waiting = listener.WaitAsync(timeout.Token);
        var payload = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(jobId.ToString(System.Globalization.CultureInfo.InvariantCulture), payload);
        await waiting;
    }

    private static JobRequest Request(long series, int version) => new(series, version, "default", ["seg", "rtstruct"], ["PACS"]);

    private async Task<(long JobId, bool Created)> EnqueueAsync(long series, int version)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var result = await queue.EnqueueAsync(transaction, Request(series, version), CancellationToken.None);
        await transaction.CommitAsync();
        return result;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using NpgsqlConnection connection = await database.DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql))!;
    }
}
