namespace ContinualSegment.Cli.Bench;

/// <summary>Settings of <c>cseg bench gating</c>.</summary>
/// <param name="Model">The model (with a body-part regressor).</param>
/// <param name="WorkDirectory">Where the study, bench-gating.json and bench-gating.md are written.</param>
/// <param name="Size">In-plane matrix of the whole-body phantom study the partial scans are cut from.</param>
/// <param name="Slices">Slices of that study.</param>
/// <param name="Seed">Phantom seed.</param>
/// <param name="Threads">CPU threads for the networks (null = the runtime's choice).</param>
/// <param name="Repeats">Timed runs of every scan with and without gating (median).</param>
public sealed record GatingBenchmarkOptions(
    string Model,
    string WorkDirectory,
    int Size = 512,
    int Slices = 300,
    int Seed = 1,
    int? Threads = null,
    int Repeats = 1)
{
    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Model);
        ArgumentException.ThrowIfNullOrEmpty(WorkDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(Size, 32);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Size, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(Slices, 32);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Slices, 2000);
        ArgumentOutOfRangeException.ThrowIfLessThan(Repeats, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Repeats, 20);
        if (Threads is { } t && t is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), t, "must be in 1..256");
        }
    }
}
