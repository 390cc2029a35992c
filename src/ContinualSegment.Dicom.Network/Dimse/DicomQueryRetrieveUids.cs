using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>SOP classes of the query/retrieve and worklist services.</summary>
public static class DicomQueryRetrieveUids
{
    /// <summary>Modality Worklist Information Model - FIND.</summary>
    public const string ModalityWorklistFind = "1.2.840.10008.5.1.4.31";

    /// <summary>Patient Root Query/Retrieve Information Model - FIND.</summary>
    public const string PatientRootFind = "1.2.840.10008.5.1.4.1.2.1.1";

    /// <summary>Patient Root Query/Retrieve Information Model - MOVE.</summary>
    public const string PatientRootMove = "1.2.840.10008.5.1.4.1.2.1.2";

    /// <summary>Study Root Query/Retrieve Information Model - FIND.</summary>
    public const string StudyRootFind = "1.2.840.10008.5.1.4.1.2.2.1";

    /// <summary>Study Root Query/Retrieve Information Model - MOVE.</summary>
    public const string StudyRootMove = "1.2.840.10008.5.1.4.1.2.2.2";
}
