namespace ContinualSegment.Node.Ingest;

/// <summary>
/// One asynchronous lock per key (a SOP Instance UID): holders of the same key go one after the other, other keys are
/// not held up. A key's gate exists only while someone holds or waits for it.
/// </summary>
internal sealed class KeyedAsyncLock
{
    private readonly Dictionary<string, Gate> gates = new(StringComparer.Ordinal);

    /// <summary>How many keys are held or waited for now.</summary>
    public int ActiveKeys
    {
        get
        {
            lock (gates)
            {
                return gates.Count;
            }
        }
    }

    /// <summary>Waits until <paramref name="key"/> is free and holds it until the result is disposed.</summary>
    public async Task<IDisposable> LockAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        Gate gate;
        lock (gates)
        {
            if (!gates.TryGetValue(key, out gate!))
            {
                gates[key] = gate = new Gate();
            }

            gate.Users++;
        }

        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(key, gate, held: false);
            throw;
        }

        return new Holder(this, key, gate);
    }

    private void Leave(string key, Gate gate, bool held)
    {
        lock (gates)
        {
            if (held)
            {
                gate.Semaphore.Release();
            }

            if (--gate.Users == 0)
            {
                gates.Remove(key);
                gate.Semaphore.Dispose();
            }
        }
    }

    private sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Holder(KeyedAsyncLock owner, string key, Gate gate) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Leave(key, gate, held: true);
            }
        }
    }
}
