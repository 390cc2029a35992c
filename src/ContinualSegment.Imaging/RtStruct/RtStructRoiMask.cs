namespace ContinualSegment.Imaging.RtStruct;

/// <summary>One ROI of a structure set, rasterised on the referenced CT grid.</summary>
/// <param name="Number">ROI Number.</param>
/// <param name="Name">ROI Name.</param>
/// <param name="Colour">ROI Display Color (black when absent).</param>
/// <param name="InterpretedType">RT ROI Interpreted Type (empty when absent).</param>
/// <param name="Mask">1 inside the ROI, 0 outside.</param>
public sealed record RtStructRoiMask(int Number, string Name, RgbColor Colour, string InterpretedType, Volume<byte> Mask);
