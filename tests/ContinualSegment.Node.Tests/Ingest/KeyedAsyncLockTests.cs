using ContinualSegment.Node.Ingest;

namespace ContinualSegment.Node.Tests.Ingest;

public sealed class KeyedAsyncLockTests
{
    [Fact]
    public async Task Holders_of_one_key_go_one_after_the_other_and_other_keys_are_not_held_up()
    {
        var locks = new KeyedAsyncLock();
        var first = await locks.LockAsync("1.2.3", CancellationToken.None);
        var second = locks.LockAsync("1.2.3", CancellationToken.None);
        var other = await locks.LockAsync("1.2.4", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        await Task.Delay(100);
        Assert.False(second.IsCompleted);
        first.Dispose();
        first.Dispose();
        var secondHeld = await second.WaitAsync(TimeSpan.FromSeconds(5));

        // A third waiter still waits: disposing the first twice released the key once only.
        var third = locks.LockAsync("1.2.3", CancellationToken.None);
        await Task.Delay(100);
        Assert.False(third.IsCompleted);
        secondHeld.Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        other.Dispose();
        Assert.Equal(0, locks.ActiveKeys);
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_the_key_to_the_others()
    {
        var locks = new KeyedAsyncLock();
        var holder = await locks.LockAsync("k", CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = locks.LockAsync("k", cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, locks.ActiveKeys);

        holder.Dispose();
        Assert.Equal(0, locks.ActiveKeys);
        (await locks.LockAsync("k", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }
}
