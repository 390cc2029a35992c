namespace ContinualSegment.Cli.Bench;

/// <summary>Settings of <c>cseg bench methods</c>.</summary>
/// <param name="ContinualModel">The continual model: one encoder and every task's decoder.</param>
/// <param name="SeparateModels">The separate full models, one per task, that the continual model is compared with.</param>
/// <param name="WorkDirectory">Where the study and bench-methods.json are written.</param>
/// <param name="Size">In-plane matrix of the phantom study.</param>
/// <param name="Slices">Slices of the phantom study.</param>
/// <param name="Seed">Phantom seed.</param>
/// <param name="Threads">CPU threads for the networks (null = the runtime's choice).</param>
/// <param name="Repeats">Timed runs of every model (median).</param>
/// <param name="Series">A CT series directory to run on instead of the generated phantom study.</param>
public sealed record MethodsBenchmarkOptions(
    string ContinualModel,
    IReadOnlyList<string> SeparateModels,
    string WorkDirectory,
    int Size = 512,
    int Slices = 300,
    int Seed = 1,
    int? Threads = null,
    int Repeats = 1,
    string? Series = null)
{
    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(ContinualModel);
        ArgumentNullException.ThrowIfNull(SeparateModels);
        ArgumentException.ThrowIfNullOrEmpty(WorkDirectory);
        if (SeparateModels.Count == 0)
        {
            throw new ArgumentException("give the separate models to compare with (--separate, once per model)");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Size, 32);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Size, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(Slices, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Slices, 2000);
        ArgumentOutOfRangeException.ThrowIfLessThan(Repeats, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Repeats, 20);
        if (Threads is { } t && t is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), t, "must be in 1..256");
        }
    }
}
