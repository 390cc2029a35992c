using System.Text.Json.Serialization;

namespace ContinualSegment.Model.Plans;

/// <summary>
/// The optional body-part regression model of a model directory (<c>bodypart.bin</c>): how to rebuild the
/// network and prepare its input. Plans without this section have no body-part model and gate nothing.
/// </summary>
public sealed record BodyPartModelPlan
{
    /// <summary>First-layer channel count of the regressor.</summary>
    public int Width { get; init; } = 8;

    /// <summary>Edge length (pixels) every axial slice is resized to.</summary>
    public int SliceSize { get; init; } = 64;

    /// <summary>Slice spacing (mm) the training volumes were resampled to along z.</summary>
    public double SliceSpacingMm { get; init; } = 4;

    /// <summary>
    /// Width and height (mm) of the square window every slice is sampled into, centred on the slice's centre, so
    /// that one pixel covers the same millimetres whatever the scan's reconstruction field of view; null (regressors
    /// trained before this existed) stretches each slice's whole matrix to the square.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? FieldOfViewMm { get; init; }

    /// <summary>SHA-256 (64 lower-case hex digits) over the regressor's state dict.</summary>
    public string Fingerprint { get; init; } = string.Empty;
}
