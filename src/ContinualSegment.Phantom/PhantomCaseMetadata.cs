namespace ContinualSegment.Phantom;

/// <summary>Descriptors of a generated case, for image headers and DICOM attributes.</summary>
public sealed record PhantomCaseMetadata
{
    public required string CaseId { get; init; }

    public required string Task { get; init; }

    public required int Seed { get; init; }

    public required int CaseIndex { get; init; }

    /// <summary>DICOM-style person name, e.g. "PHANTOM^WHOLEBODY_0003".</summary>
    public required string PatientName { get; init; }

    public required string PatientId { get; init; }

    public required PatientSex Sex { get; init; }

    public required int AgeYears { get; init; }

    public required string StudyDescription { get; init; }

    public required string SeriesDescription { get; init; }

    public required string BodyPartExamined { get; init; }

    public required ContrastPhase Phase { get; init; }

    public required double SliceThicknessMm { get; init; }

    public required double NoiseSigmaHu { get; init; }

    /// <summary>A stable 64-bit value derived from (seed, task, case index), for deterministic identifiers (e.g. UIDs).</summary>
    public required ulong StableKey { get; init; }
}
