namespace ContinualSegment.Model.Plans;

/// <summary>The general encoder: one entry per resolution stage, finest first.</summary>
public sealed record EncoderPlan
{
    /// <summary>The stages, finest (full resolution) first.</summary>
    public IReadOnlyList<EncoderStagePlan> Stages { get; init; } = [];
}
