namespace ContinualSegment.Cli.DicomTools;

/// <summary>Options of <c>cseg dicom find</c>.</summary>
internal sealed record FindToolOptions : NetworkToolOptions
{
    /// <summary>Information model (--worklist or --study). Default worklist.</summary>
    public FindModel Model { get; init; } = FindModel.Worklist;

    /// <summary>Query level for the study root model (--level): STUDY, SERIES or IMAGE. Default STUDY.</summary>
    public string Level { get; init; } = "STUDY";

    /// <summary>Keys (-k), each "Keyword=value", "gggg,eeee=value" or a bare key to return.</summary>
    public IReadOnlyList<string> Keys { get; init; } = [];
}
