namespace ContinualSegment.Node.Queue;

/// <summary>What a reported failure did to the job.</summary>
public enum JobFailureOutcome
{
    /// <summary>The lease was no longer the reporter's; nothing changed.</summary>
    LeaseLost,

    /// <summary>Queued again for a later attempt.</summary>
    Retrying,

    /// <summary>Failed for good (the input cannot be processed).</summary>
    Failed,

    /// <summary>Every attempt used: in the dead letter.</summary>
    Dead,
}
