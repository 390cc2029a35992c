namespace ContinualSegment.Cli.Doctor;

/// <summary>How one doctor check came out.</summary>
public enum CheckStatus
{
    /// <summary>Works.</summary>
    Ok,

    /// <summary>Information only: not needed for the node to run.</summary>
    Info,

    /// <summary>Missing, but the node can run without it.</summary>
    Warning,

    /// <summary>The node cannot run until this is fixed.</summary>
    Failed,
}
