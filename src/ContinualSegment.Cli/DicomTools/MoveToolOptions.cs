namespace ContinualSegment.Cli.DicomTools;

/// <summary>Options of <c>cseg dicom move</c>.</summary>
internal sealed record MoveToolOptions : NetworkToolOptions
{
    /// <summary>Move destination AE title (--dest); the peer must know its address.</summary>
    public required string Destination { get; init; }

    /// <summary>Query/retrieve level (--level): STUDY, SERIES or IMAGE. Default STUDY.</summary>
    public string Level { get; init; } = "STUDY";

    /// <summary>Keys (-k), e.g. StudyInstanceUID=1.2.3.</summary>
    public IReadOnlyList<string> Keys { get; init; } = [];
}
