using ContinualSegment.Dicom.Network.Associations;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>
/// The association request/reject/release timer of PS3.8 §9.1.5, read from an injected <see cref="TimeProvider"/>.
/// Every start or stop begins a new generation; an expiry reports the generation it was started in, so the machine
/// ignores a timer that was stopped (or restarted) after it fired but before its event was handled. Start and stop
/// are called under the association's lock.
/// </summary>
internal sealed class ArtimTimer : IDisposable
{
    private readonly TimeProvider timeProvider;
    private readonly TimeSpan timeout;
    private readonly Action<long> expired;
    private ITimer? timer;
    private long generation;

    /// <summary>Creates a stopped timer that calls <paramref name="expired"/> (with its generation) when it runs out.</summary>
    public ArtimTimer(TimeProvider timeProvider, TimeSpan timeout, Action<long> expired)
    {
        this.timeProvider = timeProvider;
        this.timeout = timeout;
        this.expired = expired;
    }

    /// <summary>True while the timer runs.</summary>
    public bool IsRunning => timer is not null;

    /// <summary>True when <paramref name="expiredGeneration"/> is the generation now running.</summary>
    public bool IsCurrent(long expiredGeneration) => Interlocked.Read(ref generation) == expiredGeneration;

    /// <summary>(Re)starts the timer.</summary>
    public void Start()
    {
        Stop();
        var started = Interlocked.Increment(ref generation);
        timer = timeProvider.CreateTimer(static state => ((ArtimExpiry)state!).Fire(), new ArtimExpiry(expired, started), timeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stops the timer; an expiry already under way is made stale.</summary>
    public void Stop()
    {
        Interlocked.Increment(ref generation);
        var running = timer;
        timer = null;
        running?.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose() => Stop();

    private sealed class ArtimExpiry(Action<long> expired, long generation)
    {
        public void Fire() => expired(generation);
    }
}
