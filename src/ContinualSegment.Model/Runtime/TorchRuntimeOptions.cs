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
