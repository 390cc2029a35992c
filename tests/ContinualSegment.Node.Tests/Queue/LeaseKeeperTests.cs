using ContinualSegment.Node.Queue;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace ContinualSegment.Node.Tests.Queue;

public sealed class LeaseKeeperTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_renewal_that_fails_once_is_tried_again_and_the_lease_is_kept()
    {
        // One heartbeat hits a database blip: the lease must not be given up, and renewing must go on (a keeper that
        // stopped after the first error let the lease run out under a running job).
        var time = new FakeTimeProvider();
        var answers = new Queue<Func<bool>>([() => true, () => throw new NpgsqlException("connection reset"), () => true, () => true]);
        var calls = 0;
        var lost = 0;
        var failures = new List<string>();
        using var stop = new CancellationTokenSource();
        var keeping = LeaseKeeper.KeepAsync(
            _ =>
            {
                Interlocked.Increment(ref calls);
                return Task.FromResult(answers.Dequeue()());
            },
            Interval,
            Lease,
            time,
            () => lost++,
            ex => failures.Add(ex.Message),
            stop.Token);

        for (var tick = 1; tick <= 4; tick++)
        {
            time.Advance(Interval);
            await Eventually.WaitUntilAsync(() => Volatile.Read(ref calls) == tick, TimeSpan.FromMilliseconds(10));
        }

        await stop.CancelAsync();
        await keeping;
        Assert.Equal(4, calls);
        Assert.Equal(0, lost);
        Assert.Equal(["connection reset"], failures);
    }

    [Fact]
    public async Task A_lease_no_renewal_reached_for_a_whole_lease_duration_is_lost()
    {
        var time = new FakeTimeProvider();
        var calls = 0;
        var lost = 0;
        var keeping = LeaseKeeper.KeepAsync(
            _ =>
            {
                Interlocked.Increment(ref calls);
                throw new NpgsqlException("the database is down");
            },
            Interval,
            Lease,
            time,
            () => lost++,
            _ => { },
            CancellationToken.None);

        // 20 s ticks: the sixth (2 min after the claim) finds no renewal for a whole lease duration.
        for (var tick = 1; tick <= 5; tick++)
        {
            time.Advance(Interval);
            await Eventually.WaitUntilAsync(() => Volatile.Read(ref calls) == tick, TimeSpan.FromMilliseconds(10));
            Assert.Equal(0, lost);
        }

        time.Advance(Interval);
        await keeping.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(6, calls);
        Assert.Equal(1, lost);
    }

    [Fact]
    public async Task A_renewal_the_database_refuses_loses_the_lease_at_once()
    {
        var time = new FakeTimeProvider();
        var lost = 0;
        var keeping = LeaseKeeper.KeepAsync(_ => Task.FromResult(false), Interval, Lease, time, () => lost++, _ => { }, CancellationToken.None);
        time.Advance(Interval);
        await keeping.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, lost);
    }
}
