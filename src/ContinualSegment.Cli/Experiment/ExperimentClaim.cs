namespace ContinualSegment.Cli.Experiment;

/// <summary>A number the experiment is run to establish, with its goal where it has one.</summary>
/// <param name="Id">A stable name, e.g. <c>dice_ratio/chest</c>.</param>
/// <param name="Description">What the number is.</param>
/// <param name="Value">The number; null when an input is missing.</param>
/// <param name="AtLeast">The goal: the value should be at least this; null when the number is only reported.</param>
public sealed record ExperimentClaim(string Id, string Description, double? Value, double? AtLeast)
{
    /// <summary>Whether the goal is met; null without a goal or a value.</summary>
    public bool? Met => Value is { } v && AtLeast is { } goal ? v >= goal : null;
}
