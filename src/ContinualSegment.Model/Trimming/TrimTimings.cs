namespace ContinualSegment.Model.Trimming;

/// <summary>Where a trimming run spent its time.</summary>
/// <param name="Caching">Encoder features and teacher logits of every patch set, and the full decoder's cost.</param>
/// <param name="Search">The evolutionary search (every candidate's short distillation and cost).</param>
/// <param name="Finalists">The finalists' full distillation and acceptance.</param>
public sealed record TrimTimings(TimeSpan Caching, TimeSpan Search, TimeSpan Finalists)
{
    /// <summary>All of it.</summary>
    public TimeSpan Total => Caching + Search + Finalists;
}
