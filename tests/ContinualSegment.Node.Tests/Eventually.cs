namespace ContinualSegment.Node.Tests;

/// <summary>Waiting in tests for something another task does.</summary>
internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every <paramref name="poll"/> until it holds, at most <paramref name="polls"/> times; fails when it never does.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan poll, int polls = 200)
    {
        for (var i = 0; i < polls && !condition(); i++)
        {
            await Task.Delay(poll);
        }

        Assert.True(condition());
    }
}
