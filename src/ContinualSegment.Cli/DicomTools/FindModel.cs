namespace ContinualSegment.Cli.DicomTools;

/// <summary>The information model queried by <c>cseg dicom find</c>.</summary>
internal enum FindModel
{
    /// <summary>Modality Worklist (--worklist).</summary>
    Worklist,

    /// <summary>Study Root Query/Retrieve (--study).</summary>
    StudyRoot,
}
