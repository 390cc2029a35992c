using ContinualSegment.Node.Export;
using ContinualSegment.Node.Queue;
using ContinualSegment.Node.Scheduling;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace ContinualSegment.Node.Tests.Scheduling;

public sealed class RetryWakerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly TestPostgres database = new();
    private readonly FakeTimeProvider clock = new(Start);

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task A_delivery_waiting_for_its_retry_wakes_the_exporters_only_once_it_is_due()
    {
        var series = await database.AddSeriesAsync("1.9.1");
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            var job = await connection.ExecuteScalarAsync<long>(
                "insert into jobs (series_ref, content_version, route, decoders, outputs, destinations, priority, max_attempts, not_before, created_at, state) values (@series, 0, 'default', '{}', '{seg}', '{PACS}', 0, 3, @at, @at, 'succeeded') returning id",
                new { series, at = Start });
            await connection.ExecuteAsync("insert into deliveries (job_ref, destination, next_attempt_at, created_at, attempts) values (@job, 'PACS', @next, @at, 1)", new { job, next = Start.AddSeconds(30), at = Start });
        }

        await using var listener = await database.DataSource.OpenConnectionAsync();
        var heard = new List<string>();
        listener.Notification += (_, e) => heard.Add(e.Channel);
        await listener.ExecuteAsync($"listen {DeliveryQueue.Channel}; listen {JobQueue.Channel}");
        var waker = new RetryWaker(database.DataSource, clock);

        Assert.Equal((false, false), await waker.WakeAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal((false, true), await waker.WakeAsync(CancellationToken.None));

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await listener.WaitAsync(wait.Token);
        Assert.Equal([DeliveryQueue.Channel], heard);
    }

    [Fact]
    public async Task A_job_put_back_with_a_back_off_wakes_the_workers_once_it_is_due()
    {
        var series = await database.AddSeriesAsync("1.9.2");
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(
                "insert into jobs (series_ref, content_version, route, decoders, outputs, destinations, priority, max_attempts, not_before, created_at) values (@series, 0, 'default', '{}', '{seg}', '{PACS}', 0, 3, @next, @at)",
                new { series, next = Start.AddMinutes(1), at = Start });
        }

        var waker = new RetryWaker(database.DataSource, clock);
        Assert.Equal((false, false), await waker.WakeAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal((true, false), await waker.WakeAsync(CancellationToken.None));
    }
}
