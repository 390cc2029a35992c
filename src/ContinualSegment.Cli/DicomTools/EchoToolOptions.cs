namespace ContinualSegment.Cli.DicomTools;

/// <summary>Options of <c>cseg dicom echo</c>.</summary>
internal sealed record EchoToolOptions : NetworkToolOptions
{
    /// <summary>Number of C-ECHO requests over the association (--repeat). Default 1.</summary>
    public int Repeat { get; init; } = 1;
}
