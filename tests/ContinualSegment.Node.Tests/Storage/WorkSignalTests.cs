using System.Collections.Concurrent;
using ContinualSegment.Node.Storage;
using Dapper;
using Npgsql;

namespace ContinualSegment.Node.Tests.Storage;

public sealed class WorkSignalTests : IAsyncLifetime
{
    private readonly TestPostgres database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task The_loop_does_all_waiting_work_survives_a_database_error_and_wakes_on_notify()
    {
        var work = new ConcurrentQueue<string>(["a", "b"]);
        var done = new ConcurrentQueue<string>();
        var failures = 0;
        var claims = 0;
        var third = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var signal = await WorkSignal.ListenAsync(database.DataSource, "cseg_test", CancellationToken.None);
        using var stop = new CancellationTokenSource();

        var loop = signal.RunAsync(
            _ => Interlocked.Increment(ref claims) == 1 ? throw new NpgsqlException("connection lost") : Task.FromResult(work.TryDequeue(out var item) ? item : null),
            item =>
            {
                done.Enqueue(item);
                if (item == "c")
                {
                    third.SetResult();
                }

                return Task.CompletedTask;
            },
            TimeSpan.FromMinutes(10),
            TimeProvider.System,
            _ => Interlocked.Increment(ref failures),
            (_, _) => { },
            stop.Token);

        // The first claim failed, so the loop waits (up to the poll interval) before it finds "a" and "b": a NOTIFY wakes it.
        await NotifyAsync();
        await Eventually.WaitUntilAsync(() => done.Count == 2, TimeSpan.FromMilliseconds(50));
        work.Enqueue("c");
        await NotifyAsync();
        await third.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["a", "b", "c"], done);
        Assert.Equal(1, failures);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public async Task A_notification_on_a_second_channel_sent_during_work_is_seen_before_the_next_claim()
    {
        var work = new ConcurrentQueue<string>(["a", "b"]);
        var seenBeforeClaim = new ConcurrentQueue<(int Claim, bool Notified)>();
        var claims = 0;
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var signal = await WorkSignal.ListenAsync(database.DataSource, ["cseg_test", "cseg_other"], CancellationToken.None);
        using var stop = new CancellationTokenSource();

        var loop = signal.RunAsync(
            _ => Task.FromResult(work.TryDequeue(out var item) ? item : null),
            async item =>
            {
                if (item == "a")
                {
                    await NotifyAsync("cseg_other");
                }
                else
                {
                    finished.SetResult();
                }
            },
            TimeSpan.FromMinutes(10),
            TimeProvider.System,
            _ => { },
            (_, _) => { },
            _ =>
            {
                seenBeforeClaim.Enqueue((Interlocked.Increment(ref claims), signal.TakeNotified("cseg_other")));
                return Task.CompletedTask;
            },
            stop.Token);

        await finished.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);

        // Claim 1 finds "a", whose work announces a change; claim 2 (of "b", right after, no wait between) sees it.
        Assert.Equal([(1, false), (2, true)], seenBeforeClaim.Take(2));
        Assert.False(signal.TakeNotified("cseg_test"));
    }

    [Fact]
    public async Task Work_that_throws_is_reported_and_the_loop_goes_on_with_the_next_item()
    {
        var work = new ConcurrentQueue<string>(["bad", "good"]);
        var done = new ConcurrentQueue<string>();
        var failed = new ConcurrentQueue<(string Item, string Message)>();
        await using var signal = await WorkSignal.ListenAsync(database.DataSource, "cseg_test", CancellationToken.None);
        using var stop = new CancellationTokenSource();

        var loop = signal.RunAsync(
            _ => Task.FromResult(work.TryDequeue(out var item) ? item : null),
            item => item == "bad" ? throw new NpgsqlException("the database went away while the outcome was recorded") : Record(done, item),
            TimeSpan.FromMinutes(10),
            TimeProvider.System,
            _ => { },
            (item, ex) => failed.Enqueue((item, ex.Message)),
            stop.Token);

        await Eventually.WaitUntilAsync(() => !done.IsEmpty, TimeSpan.FromMilliseconds(50));
        Assert.Equal(["good"], done);
        Assert.Equal([("bad", "the database went away while the outcome was recorded")], failed);
        Assert.False(loop.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public async Task A_listening_connection_the_server_ends_is_opened_again_and_notifications_wake_the_loop_again()
    {
        var work = new ConcurrentQueue<string>();
        var done = new ConcurrentQueue<string>();
        var claims = 0;
        var notifiedBeforeClaim = new ConcurrentQueue<bool>();
        await using var signal = await WorkSignal.ListenAsync(database.DataSource, ["cseg_test", "cseg_other"], CancellationToken.None);
        using var stop = new CancellationTokenSource();

        var loop = signal.RunAsync(
            _ =>
            {
                Interlocked.Increment(ref claims);
                return Task.FromResult(work.TryDequeue(out var item) ? item : null);
            },
            item => Record(done, item),
            TimeSpan.FromMinutes(10),
            TimeProvider.System,
            _ => { },
            (_, _) => { },
            _ =>
            {
                notifiedBeforeClaim.Enqueue(signal.TakeNotified("cseg_other"));
                return Task.CompletedTask;
            },
            stop.Token);
        await Eventually.WaitUntilAsync(() => Volatile.Read(ref claims) == 1, TimeSpan.FromMilliseconds(50));

        // The server ends the listening session (a restart, a failover, an administrator): the loop must not wait out
        // its ten-minute poll interval deaf, nor stop.
        await using (var admin = await database.DataSource.OpenConnectionAsync())
        {
            var ended = await admin.ExecuteScalarAsync<int>(
                "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query like 'select 1%') t");
            Assert.Equal(1, ended);
        }

        await Eventually.WaitUntilAsync(() => signal.Reconnections == 1 && Volatile.Read(ref claims) == 2, TimeSpan.FromMilliseconds(50));
        work.Enqueue("after");
        await NotifyAsync();
        await Eventually.WaitUntilAsync(() => !done.IsEmpty, TimeSpan.FromMilliseconds(50));

        Assert.Equal(["after"], done);
        Assert.Equal(1, signal.Reconnections);

        // Nothing was heard while the connection was down, so the claim after reconnecting treats every channel as notified.
        Assert.Equal([false, true], notifiedBeforeClaim.Take(2));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    private static Task Record(ConcurrentQueue<string> done, string item)
    {
        done.Enqueue(item);
        return Task.CompletedTask;
    }

    private async Task NotifyAsync(string channel = "cseg_test")
    {
        await using NpgsqlConnection connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("select pg_notify(@channel, '')", new { channel });
    }
}
