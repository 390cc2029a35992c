using Npgsql;

namespace ContinualSegment.Node.Queue;

/// <summary>
/// Keeps a lease (a job's or a delivery's) while its work runs: renews it every interval. A renewal the database refuses
/// (another process holds the lease now) ends the lease at once; a renewal that fails (the database unreachable for a
/// moment) is tried again at the next tick, and only when no renewal has succeeded for a whole lease duration is the
/// lease taken as lost, since by then another process may have claimed the work.
/// </summary>
internal static class LeaseKeeper
{
    /// <summary>Renews until <paramref name="cancellationToken"/> is cancelled or the lease is lost (<paramref name="lost"/> is called once).</summary>
    public static async Task KeepAsync(
        Func<CancellationToken, Task<bool>> renewAsync,
        TimeSpan interval,
        TimeSpan leaseDuration,
        TimeProvider time,
        Action lost,
        Action<Exception> renewalFailed,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(renewAsync);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(lost);
        ArgumentNullException.ThrowIfNull(renewalFailed);

        // The claim set the lease just before the work began.
        var renewed = time.GetUtcNow();
        try
        {
            using var timer = new PeriodicTimer(interval, time);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    if (!await renewAsync(cancellationToken).ConfigureAwait(false))
                    {
                        lost();
                        return;
                    }

                    renewed = time.GetUtcNow();
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException && !cancellationToken.IsCancellationRequested)
                {
                    renewalFailed(ex);
                    if (time.GetUtcNow() - renewed >= leaseDuration)
                    {
                        lost();
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The work ended.
        }
    }
}
