using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Export;

namespace ContinualSegment.Phantom;

/// <summary>
/// Writes each phantom case as a CT series under <c>dicom/&lt;case&gt;/</c>, with realistic headers and UIDs
/// derived from the case's stable key, so the same seed gives the same files.
/// </summary>
public sealed class PhantomDicomSink : IPhantomCaseSink
{
    /// <summary>The folder, below the dataset's root, that holds one sub-folder per case.</summary>
    public const string FolderName = "dicom";

    /// <summary>The series metadata of a case (UIDs are stable for its key).</summary>
    public static CtSeriesMetadata Metadata(PhantomCase phantomCase)
    {
        ArgumentNullException.ThrowIfNull(phantomCase);
        var m = phantomCase.Metadata;
        return new CtSeriesMetadata
        {
            PatientName = m.PatientName,
            PatientId = m.PatientId,
            PatientSex = m.Sex switch { PatientSex.Male => "M", PatientSex.Female => "F", _ => "O" },
            PatientBirthDate = $"{2026 - m.AgeYears:D4}0101",
            StudyInstanceUid = StableUid(m.StableKey, "study"),
            SeriesInstanceUid = StableUid(m.StableKey, "series"),
            FrameOfReferenceUid = StableUid(m.StableKey, "frame"),
            AccessionNumber = $"PH{m.StableKey % 100_000_000:D8}",
            StudyId = (m.CaseIndex + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            StudyDescription = m.StudyDescription,
            SeriesDescription = m.SeriesDescription,
            BodyPartExamined = m.BodyPartExamined,
            SliceThickness = m.SliceThicknessMm,
        };
    }

    public async Task WriteAsync(PhantomCase phantomCase, string outputDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(phantomCase);
        var directory = Path.Combine(outputDirectory, FolderName, phantomCase.Metadata.CaseId);
        await CtSeriesWriter.WriteAsync(phantomCase.Image, Metadata(phantomCase), directory, cancellationToken).ConfigureAwait(false);
    }

    private static string StableUid(ulong key, string purpose) =>
        DicomUid.FromName(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"cseg-phantom/{key}/{purpose}"));
}
