using ContinualSegment.Imaging.Contours;

namespace ContinualSegment.Imaging.RtStruct;

/// <summary>How contours are made and the structure set is labelled.</summary>
/// <param name="ToleranceMm">Point thinning error bound in mm (0 keeps every marching-squares vertex).</param>
/// <param name="Holes">Keyhole (CLOSED_PLANAR) or separate hole contours (CLOSEDPLANAR_XOR).</param>
/// <param name="Label">Structure Set Label (1–16 characters).</param>
/// <param name="SeriesDescription">Series Description of the new series.</param>
/// <param name="Manufacturer">Manufacturer.</param>
/// <param name="ModelName">Manufacturer's Model Name.</param>
/// <param name="SoftwareVersion">Software Versions.</param>
/// <param name="AlgorithmDescription">ROI Generation Description (e.g. model and decoder versions).</param>
public sealed record RtStructOptions(
    double ToleranceMm = 0.5,
    HoleMode Holes = HoleMode.Keyhole,
    string Label = "AUTOSEG",
    string SeriesDescription = "Auto-segmentation RTSTRUCT",
    string Manufacturer = "ContinualSegment",
    string ModelName = "ContinualSegment",
    string SoftwareVersion = "0.1.0",
    string AlgorithmDescription = "ContinualSegment")
{
    /// <summary>Checks the values are writable.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ToleranceMm);
        if (string.IsNullOrWhiteSpace(Label) || Label.Length > 16)
        {
            throw new ArgumentException("Structure Set Label must have 1 to 16 characters", nameof(Label));
        }
    }
}
