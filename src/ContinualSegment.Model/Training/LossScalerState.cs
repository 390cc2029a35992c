namespace ContinualSegment.Model.Training;

/// <summary>
/// What a <see cref="DynamicLossScaler"/> has learnt during a run, as a checkpoint keeps it: the current
/// scale, the growth tracker (consecutive good steps since the scale last changed) and the steps skipped so far.
/// </summary>
/// <param name="Scale">The loss scale.</param>
/// <param name="GoodSteps">Consecutive finite steps since the scale last changed.</param>
/// <param name="SkippedSteps">Steps skipped for non-finite gradients.</param>
public sealed record LossScalerState(double Scale, int GoodSteps, long SkippedSteps);
