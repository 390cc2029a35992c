namespace ContinualSegment.Cli.Experiment;

/// <summary>A number the experiment is run to establish, with its goal where it has one.</summary>
/// <param name="Id">A stable name, e.g. <c>dice_ratio/chest</c>.</param>
/// <param name="Description">What the number is.</param>
/// <param name="Value">The number; null when an input is missing.</param>
/// <param name="AtLeast">The goal: the value should be at least this; null when there is no such bound.</param>
/// <param name="AtMost">The goal: the value should be at most this; null when there is no such bound.</param>
public sealed record ExperimentClaim(string Id, string Description, double? Value, double? AtLeast, double? AtMost = null)
{
    /// <summary>Whether the goal is met; null without a goal or a value.</summary>
    public bool? Met => Value is { } v && (AtLeast is not null || AtMost is not null)
        ? (AtLeast is not { } low || v >= low) && (AtMost is not { } high || v <= high)
        : null;

    /// <summary>The goal in words (e.g. "≥ 0.98", "≤ 0.4"); null without one.</summary>
    public string? Goal => (AtLeast, AtMost) switch
    {
        ({ } low, { } high) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{low:0.###} … {high:0.###}"),
        ({ } low, null) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"≥ {low:0.###}"),
        (null, { } high) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"≤ {high:0.###}"),
        _ => null,
    };
}
