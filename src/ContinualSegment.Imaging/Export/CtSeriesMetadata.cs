namespace ContinualSegment.Imaging.Export;

/// <summary>The patient, study, series and acquisition attributes of a CT series to write.</summary>
public sealed record CtSeriesMetadata
{
    public required string PatientName { get; init; }

    public required string PatientId { get; init; }

    /// <summary>DA value (yyyyMMdd) or empty.</summary>
    public string PatientBirthDate { get; init; } = string.Empty;

    /// <summary>M, F, O or empty.</summary>
    public string PatientSex { get; init; } = string.Empty;

    public required string StudyInstanceUid { get; init; }

    public required string SeriesInstanceUid { get; init; }

    public required string FrameOfReferenceUid { get; init; }

    public DateTimeOffset StudyDateTime { get; init; } = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    public string AccessionNumber { get; init; } = string.Empty;

    public string StudyId { get; init; } = "1";

    public string StudyDescription { get; init; } = "CT";

    public int SeriesNumber { get; init; } = 1;

    public string SeriesDescription { get; init; } = "CT";

    public string BodyPartExamined { get; init; } = string.Empty;

    public string Manufacturer { get; init; } = "ContinualSegment";

    public string ManufacturerModelName { get; init; } = "Phantom";

    public string ConvolutionKernel { get; init; } = "STANDARD";

    public double Kvp { get; init; } = 120;

    /// <summary>Reconstructed slice thickness in mm; the slice spacing when null.</summary>
    public double? SliceThickness { get; init; }

    public double WindowCenter { get; init; } = 40;

    public double WindowWidth { get; init; } = 400;
}
