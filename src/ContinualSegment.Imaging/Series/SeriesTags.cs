using ContinualSegment.Dicom;

namespace ContinualSegment.Imaging.Series;

/// <summary>The patient and study attributes the series loader carries over from the source.</summary>
internal static class SeriesTags
{
    public static readonly DicomTag[] PatientAndStudy =
    [
        DicomTags.SpecificCharacterSet,
        DicomTags.StudyDate,
        DicomTags.StudyTime,
        DicomTags.AccessionNumber,
        DicomTags.IssuerOfAccessionNumberSequence,
        DicomTags.ReferringPhysicianName,
        DicomTags.StudyDescription,
        DicomTags.ProcedureCodeSequence,
        DicomTags.PatientName,
        DicomTags.PatientID,
        DicomTags.IssuerOfPatientID,
        DicomTags.IssuerOfPatientIDQualifiersSequence,
        DicomTags.PatientBirthDate,
        DicomTags.PatientBirthTime,
        DicomTags.PatientSex,
        DicomTags.OtherPatientIDsSequence,
        DicomTags.PatientAge,
        DicomTags.PatientSize,
        DicomTags.PatientWeight,
        DicomTags.EthnicGroup,
        DicomTags.PatientComments,
        DicomTags.PatientIdentityRemoved,
        DicomTags.DeidentificationMethod,
        DicomTags.StudyInstanceUID,
        DicomTags.StudyID,
    ];
}
