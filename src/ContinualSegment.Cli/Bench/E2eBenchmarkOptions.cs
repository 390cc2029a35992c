namespace ContinualSegment.Cli.Bench;

/// <summary>Settings of <c>cseg bench e2e</c>.</summary>
/// <param name="ModelDirectory">The node's model; null: the default model.</param>
/// <param name="WorkDirectory">Where the study, the node's storage and database, and the destination's files go.</param>
/// <param name="Size">In-plane matrix of the phantom study.</param>
/// <param name="Slices">Slices of the phantom study.</param>
/// <param name="Seed">Phantom seed.</param>
/// <param name="QuietPeriodSeconds">The node's quiet period (Routing:QuietPeriodSeconds).</param>
/// <param name="ConnectionString">The node's database; null: a managed cluster under <paramref name="WorkDirectory"/>.</param>
/// <param name="TorchThreads">The node's libtorch threads (Node:TorchThreads); 0: its default.</param>
/// <param name="WarmUp">
/// Whether a small study goes through the node first (untimed), so the timed study meets a node in its steady state (code
/// compiled, caches filled) as a PACS's studies do after the first one since start; false times the first study.
/// </param>
public sealed record E2eBenchmarkOptions(string? ModelDirectory, string WorkDirectory, int Size = 512, int Slices = 300, int Seed = 1, int QuietPeriodSeconds = 5, string? ConnectionString = null, int TorchThreads = 0, bool WarmUp = true)
{
    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(WorkDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(Size, 32);
        ArgumentOutOfRangeException.ThrowIfLessThan(Slices, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(QuietPeriodSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(TorchThreads);
    }
}
