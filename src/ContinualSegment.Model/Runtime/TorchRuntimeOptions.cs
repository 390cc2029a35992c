namespace ContinualSegment.Model.Runtime;

/// <summary>
/// libtorch's process-wide settings, applied once per process by <see cref="TorchRuntime.Configure"/>.
/// A null setting leaves libtorch's own choice in place. (TorchSharp 0.107 does not implement
/// <c>use_deterministic_algorithms</c>, so there is no switch for it here.)
/// </summary>
public sealed record TorchRuntimeOptions
{
    /// <summary>Intra-op CPU threads (1–256), or null for libtorch's default.</summary>
    public int? Threads { get; init; }

    /// <summary>Inter-op CPU threads (1–256), or null for libtorch's default; libtorch accepts it only before any parallel work.</summary>
    public int? InteropThreads { get; init; }

    /// <summary>Seed of the default generator, or null to leave it unseeded.</summary>
    public long? Seed { get; init; }

    /// <summary>
    /// True to keep freed native memory in the C heap for reuse (training, distillation); null or false leaves the C
    /// library's defaults (what inference wants: it gives memory back between chunks). A training step allocates and frees
    /// the same large tensors again and again; by default glibc maps each one afresh and unmaps it when freed, so every step
    /// pays for page faults and the kernel's zeroing of new pages (about 30 % of a whole-body distillation's time here).
    /// With this set, blocks up to 32 MB come from the heap and the heap's top is kept up to 2 GB, so the process holds its
    /// peak. Does nothing where the C library has no <c>mallopt</c> (musl, macOS, Windows).
    /// </summary>
    public bool? RetainFreedMemory { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (Threads is { } t && t is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), t, "must be in 1..256");
        }

        if (InteropThreads is { } i && i is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(InteropThreads), i, "must be in 1..256");
        }
    }
}
