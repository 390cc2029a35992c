namespace ContinualSegment.Dicom.Network;

/// <summary>Options of <c>cseg dicom echo</c>.</summary>
public sealed record EchoToolOptions : NetworkToolOptions
{
    /// <summary>Number of C-ECHO requests over the association (--repeat). Default 1.</summary>
    public int Repeat { get; init; } = 1;
}
