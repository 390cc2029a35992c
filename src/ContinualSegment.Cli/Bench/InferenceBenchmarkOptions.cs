namespace ContinualSegment.Cli.Bench;

/// <summary>Settings of <c>cseg bench inference</c>.</summary>
/// <param name="ModelDirectory">The model to run, or null to build an untrained one with the shipped plan (<paramref name="Untrained"/>).</param>
/// <param name="WorkDirectory">Where the study, the ground truth and the result objects are written.</param>
/// <param name="Untrained">Build a model with untrained weights (the shipped CPU plan, one full decoder per catalogue task): timing only.</param>
/// <param name="Size">In-plane matrix of the phantom study.</param>
/// <param name="Slices">Slices of the phantom study.</param>
/// <param name="Seed">Phantom seed.</param>
/// <param name="Threads">CPU threads for the networks (null = the runtime's choice).</param>
public sealed record InferenceBenchmarkOptions(string? ModelDirectory, string WorkDirectory, bool Untrained = false, int Size = 512, int Slices = 300, int Seed = 1, int? Threads = null)
{
    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(WorkDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(Size, 32);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Size, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(Slices, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Slices, 2000);
        if (Threads is { } t && t is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), t, "must be in 1..256");
        }

        if (ModelDirectory is not null && Untrained)
        {
            throw new ArgumentException("give either a model directory or the untrained model, not both");
        }
    }
}
