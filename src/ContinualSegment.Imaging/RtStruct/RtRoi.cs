namespace ContinualSegment.Imaging.RtStruct;

/// <summary>One region of interest to write: which voxels, and how it is described.</summary>
/// <param name="Number">ROI Number, unique within the structure set (≥ 1).</param>
/// <param name="Name">ROI Name (TG-263 where the catalogue has one).</param>
/// <param name="Colour">ROI Display Color.</param>
/// <param name="InterpretedType">RT ROI Interpreted Type, e.g. ORGAN or GTV.</param>
/// <param name="Layer">Index of the label map (in <see cref="RtStructRequest.Layers"/>) that holds the ROI.</param>
/// <param name="Label">The ROI's value in that label map.</param>
/// <param name="TypeCode">The structure's coded type, written as RT ROI Identification Code Sequence; optional.</param>
/// <param name="Description">ROI Description; optional.</param>
/// <param name="AlsoLabels">Further values of the same label map that belong to the ROI (an organ's lesions).</param>
public sealed record RtRoi(
    int Number,
    string Name,
    RgbColor Colour,
    string InterpretedType,
    int Layer,
    ushort Label,
    CodedConcept? TypeCode = null,
    string? Description = null,
    IReadOnlyList<ushort>? AlsoLabels = null)
{
    /// <summary>Every value of the label map that belongs to the ROI.</summary>
    public IReadOnlyList<ushort> AllLabels => AlsoLabels is null ? [Label] : [.. AlsoLabels.Prepend(Label).Distinct()];
}
