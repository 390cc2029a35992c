namespace ContinualSegment.Node.Ingest;

/// <summary>
/// What ingest records for one stored instance: its identity, the patient/study/series attributes that place it,
/// where its file is (relative to the storage root) and who sent it. Made from the data set after the file is durable.
/// </summary>
public sealed record ReceivedInstance
{
    /// <summary>SOP Instance UID (validated).</summary>
    public required string SopInstanceUid { get; init; }

    /// <summary>SOP Class UID (validated).</summary>
    public required string SopClassUid { get; init; }

    /// <summary>Series Instance UID (validated).</summary>
    public required string SeriesInstanceUid { get; init; }

    /// <summary>Study Instance UID (validated).</summary>
    public required string StudyInstanceUid { get; init; }

    /// <summary>Patient ID; may be empty.</summary>
    public string PatientId { get; init; } = string.Empty;

    /// <summary>Issuer of Patient ID; may be empty.</summary>
    public string IssuerOfPatientId { get; init; } = string.Empty;

    /// <summary>Patient's Name; kept in the database only, never logged.</summary>
    public string PatientName { get; init; } = string.Empty;

    /// <summary>Patient's Birth Date.</summary>
    public string PatientBirthDate { get; init; } = string.Empty;

    /// <summary>Patient's Sex.</summary>
    public string PatientSex { get; init; } = string.Empty;

    /// <summary>Accession Number.</summary>
    public string AccessionNumber { get; init; } = string.Empty;

    /// <summary>Study Date.</summary>
    public string StudyDate { get; init; } = string.Empty;

    /// <summary>Study Description.</summary>
    public string StudyDescription { get; init; } = string.Empty;

    /// <summary>Modality.</summary>
    public string Modality { get; init; } = string.Empty;

    /// <summary>Body Part Examined.</summary>
    public string BodyPartExamined { get; init; } = string.Empty;

    /// <summary>Series Description.</summary>
    public string SeriesDescription { get; init; } = string.Empty;

    /// <summary>Slice Thickness in mm, when given.</summary>
    public double? SliceThickness { get; init; }

    /// <summary>The transfer syntax the data set is stored in (as received).</summary>
    public required string TransferSyntaxUid { get; init; }

    /// <summary>The file, relative to the storage root.</summary>
    public required string RelativePath { get; init; }

    /// <summary>The file's size in bytes.</summary>
    public long SizeBytes { get; init; }

    /// <summary>True for CT Image and Enhanced CT Image storage (segmented); false for instances only kept.</summary>
    public bool Processable { get; init; }

    /// <summary>The calling AE title of the association.</summary>
    public required string CallingAeTitle { get; init; }

    /// <summary>The called AE title of the association.</summary>
    public required string CalledAeTitle { get; init; }

    /// <summary>The peer's address.</summary>
    public string Peer { get; init; } = string.Empty;
}
