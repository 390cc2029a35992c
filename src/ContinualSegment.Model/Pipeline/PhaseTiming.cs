namespace ContinualSegment.Model.Pipeline;

/// <summary>How long one phase of a run took.</summary>
/// <param name="Phase">The phase's name (resample, normalise, bodypart, inference, merge, labels).</param>
/// <param name="Seconds">Wall-clock seconds.</param>
public sealed record PhaseTiming(string Phase, double Seconds);
