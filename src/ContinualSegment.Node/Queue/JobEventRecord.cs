namespace ContinualSegment.Node.Queue;

/// <summary>One entry of a job's timeline.</summary>
public sealed record JobEventRecord(DateTimeOffset At, string Stage, string Detail);
