using ContinualSegment.Dicom;

namespace ContinualSegment.Imaging.Series;

/// <summary>The attribute tags the series loader reads.</summary>
internal static class SeriesTags
{
    public static readonly DicomTag StudyDate = new(0x0008, 0x0020);
    public static readonly DicomTag StudyTime = new(0x0008, 0x0030);
    public static readonly DicomTag AccessionNumber = new(0x0008, 0x0050);
    public static readonly DicomTag IssuerOfAccessionNumberSequence = new(0x0008, 0x0051);
    public static readonly DicomTag ReferringPhysicianName = new(0x0008, 0x0090);
    public static readonly DicomTag StudyDescription = new(0x0008, 0x1030);
    public static readonly DicomTag ProcedureCodeSequence = new(0x0008, 0x1032);
    public static readonly DicomTag IssuerOfPatientId = new(0x0010, 0x0021);
    public static readonly DicomTag IssuerOfPatientIdQualifiersSequence = new(0x0010, 0x0024);
    public static readonly DicomTag PatientBirthDate = new(0x0010, 0x0030);
    public static readonly DicomTag PatientBirthTime = new(0x0010, 0x0032);
    public static readonly DicomTag PatientSex = new(0x0010, 0x0040);
    public static readonly DicomTag OtherPatientIdsSequence = new(0x0010, 0x1002);
    public static readonly DicomTag PatientAge = new(0x0010, 0x1010);
    public static readonly DicomTag PatientSize = new(0x0010, 0x1020);
    public static readonly DicomTag PatientWeight = new(0x0010, 0x1030);
    public static readonly DicomTag EthnicGroup = new(0x0010, 0x2160);
    public static readonly DicomTag PatientComments = new(0x0010, 0x4000);
    public static readonly DicomTag PatientIdentityRemoved = new(0x0012, 0x0062);
    public static readonly DicomTag DeidentificationMethod = new(0x0012, 0x0063);
    public static readonly DicomTag SliceThickness = new(0x0018, 0x0050);
    public static readonly DicomTag StudyId = new(0x0020, 0x0010);
    public static readonly DicomTag InstanceNumber = new(0x0020, 0x0013);
    public static readonly DicomTag ImagePositionPatient = new(0x0020, 0x0032);
    public static readonly DicomTag ImageOrientationPatient = new(0x0020, 0x0037);
    public static readonly DicomTag FrameOfReferenceUid = new(0x0020, 0x0052);
    public static readonly DicomTag PositionReferenceIndicator = new(0x0020, 0x1040);
    public static readonly DicomTag PlanePositionSequence = new(0x0020, 0x9113);
    public static readonly DicomTag PlaneOrientationSequence = new(0x0020, 0x9116);
    public static readonly DicomTag PlanarConfiguration = new(0x0028, 0x0006);
    public static readonly DicomTag PixelSpacing = new(0x0028, 0x0030);
    public static readonly DicomTag RescaleIntercept = new(0x0028, 0x1052);
    public static readonly DicomTag RescaleSlope = new(0x0028, 0x1053);
    public static readonly DicomTag PixelMeasuresSequence = new(0x0028, 0x9110);
    public static readonly DicomTag PixelValueTransformationSequence = new(0x0028, 0x9145);
    public static readonly DicomTag SharedFunctionalGroupsSequence = new(0x5200, 0x9229);
    public static readonly DicomTag PerFrameFunctionalGroupsSequence = new(0x5200, 0x9230);

    /// <summary>Patient module, Patient Study module (part) and General Study module attributes copied into derived objects.</summary>
    public static readonly DicomTag[] PatientAndStudy =
    [
        DicomTag.SpecificCharacterSet,
        StudyDate,
        StudyTime,
        AccessionNumber,
        IssuerOfAccessionNumberSequence,
        ReferringPhysicianName,
        StudyDescription,
        ProcedureCodeSequence,
        DicomTag.PatientName,
        DicomTag.PatientID,
        IssuerOfPatientId,
        IssuerOfPatientIdQualifiersSequence,
        PatientBirthDate,
        PatientBirthTime,
        PatientSex,
        OtherPatientIdsSequence,
        PatientAge,
        PatientSize,
        PatientWeight,
        EthnicGroup,
        PatientComments,
        PatientIdentityRemoved,
        DeidentificationMethod,
        DicomTag.StudyInstanceUID,
        StudyId,
    ];
}
