using ContinualSegment.Model.Plans;
using ContinualSegment.Model.Runtime;
using static TorchSharp.torch;

namespace ContinualSegment.Model.BodyPart;

/// <summary>
/// How axial slices become the regressor's input: <paramref name="Size"/> × <paramref name="Size"/> pixels and, when
/// <paramref name="FieldOfViewMm"/> is set, a fixed physical window (mm) centred on each slice (outside the scan is
/// air), so a head reconstructed at 250 mm and the same head in a 500 mm whole-body scan look alike. Without it each
/// slice's whole matrix is stretched to the square (regressors trained before the window existed).
/// </summary>
/// <param name="Size">Edge length in pixels.</param>
/// <param name="FieldOfViewMm">Edge length of the window in mm; null = the slice's own field of view.</param>
public sealed record BodyPartSliceFormat(int Size, double? FieldOfViewMm)
{
    /// <summary>The window new regressors are trained with (mm): a whole-body scan's reconstruction diameter.</summary>
    public const double DefaultFieldOfViewMm = 500;

    /// <summary>The format a model's plan section prescribes.</summary>
    public static BodyPartSliceFormat Of(BodyPartModelPlan section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return new BodyPartSliceFormat(section.SliceSize, section.FieldOfViewMm);
    }

    /// <summary>Slices [D, 1, Size, Size] of a volume in HU (x fastest) whose in-plane pixel spacing is given in mm.</summary>
    public Tensor Prepare(float[] hu, int depth, int height, int width, double spacingYMm, double spacingXMm)
    {
        if (FieldOfViewMm is not { } field)
        {
            return BodyPartSlices.Prepare(hu, depth, height, width, Size);
        }

        BodyPartSlices.CheckInput(hu, depth, height, width, Size);
        if (!double.IsFinite(spacingXMm) || !double.IsFinite(spacingYMm) || spacingXMm <= 0 || spacingYMm <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(spacingXMm), $"pixel spacing {spacingYMm}×{spacingXMm} mm must be positive");
        }

        if (!double.IsFinite(field) || field <= 0)
        {
            throw new InvalidOperationException($"field of view {field} mm must be positive");
        }

        using var scope = NewDisposeScope();

        // Shifted so that air is 0: the window's part outside the scan is padded with zeros, i.e. air.
        var volume = tensor(hu).reshape(depth, 1, height, width).Clamped(-1000, 1000).DividedBy(1000).Plus(1);
        var pixel = field / Size;
        var targetW = Math.Max(1, (int)Math.Round(width * spacingXMm / pixel));
        var targetH = Math.Max(1, (int)Math.Round(height * spacingYMm / pixel));
        if (targetW < width || targetH < height)
        {
            // Average down to about the window's pixel size first, so the sampling below does not alias.
            volume = nn.functional.interpolate(volume, [Math.Min(targetH, height), Math.Min(targetW, width)], mode: InterpolationMode.Area);
        }

        var sx = (float)(field / (width * spacingXMm));
        var sy = (float)(field / (height * spacingYMm));
        var theta = tensor(new[] { sx, 0f, 0f, 0f, sy, 0f }).reshape(1, 2, 3).expand(depth, 2, 3);
        var grid = nn.functional.affine_grid(theta, [depth, 1, Size, Size], align_corners: false);
        var sampled = nn.functional.grid_sample(volume, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false).Minus(1);
        return sampled.contiguous().MoveToOuterDisposeScope();
    }
}
