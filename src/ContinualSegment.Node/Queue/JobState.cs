namespace ContinualSegment.Node.Queue;

/// <summary>Where a job is in its life (the <c>jobs.state</c> column).</summary>
public enum JobState
{
    /// <summary>Waiting for a worker (or for its retry time).</summary>
    Queued,

    /// <summary>Held by a worker's lease.</summary>
    Running,

    /// <summary>Done; its results are recorded.</summary>
    Succeeded,

    /// <summary>Failed without retry (bad input).</summary>
    Failed,

    /// <summary>Dead letter: every attempt used; the reason is kept.</summary>
    Dead,
}
