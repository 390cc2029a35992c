namespace ContinualSegment.Model.Packages;

/// <summary>
/// What identifies one state of a model directory's decoders, cheap to read before every job: the state file's change
/// counter and the plan file's size and time of last write (a training step that appends a decoder rewrites the plan).
/// Two stamps are equal when nothing a loaded model depends on has changed.
/// </summary>
/// <param name="Change">The state file's change counter.</param>
/// <param name="PlanLength">The plan file's length in bytes (-1 when it is missing).</param>
/// <param name="PlanWrittenUtc">The plan file's last write time (UTC).</param>
public readonly record struct ModelDirectoryStamp(long Change, long PlanLength, DateTime PlanWrittenUtc);
