namespace ContinualSegment.Cli.DicomTools;

/// <summary>Options of <c>cseg dicom send</c>.</summary>
internal sealed record SendToolOptions : NetworkToolOptions
{
    /// <summary>Files and directories to send (directories are searched recursively).</summary>
    public required IReadOnlyList<string> Paths { get; init; }

    /// <summary>Retry a failed C-STORE whose status is a failure, up to this many attempts (--retries + 1). Default 1 (no retry).</summary>
    public int MaxAttempts { get; init; } = 1;
}
