namespace ContinualSegment.Imaging.Preview;

/// <summary>
/// Draws the axial, coronal and sagittal mid-slices of a CT with its label map as a coloured overlay,
/// side by side, as one PNG. Volumes are in voxel axes (x fastest; k towards the head for axial series);
/// every panel is resampled to square pixels so anatomy keeps its proportions.
/// </summary>
public static class PreviewRenderer
{
    private const int Gap = 4;

    /// <summary>Renders the preview and returns the PNG bytes.</summary>
    /// <param name="ct">HU values, x fastest then y then z.</param>
    /// <param name="labels">Label values on the same grid; empty for no overlay.</param>
    /// <param name="size">Voxels along x, y, z.</param>
    /// <param name="spacing">Voxel spacing in mm along x, y, z.</param>
    /// <param name="colours">Overlay colour per label value; labels without a colour are not drawn.</param>
    /// <param name="options">Window and overlay settings.</param>
    public static byte[] RenderPng(
        ReadOnlySpan<float> ct,
        ReadOnlySpan<ushort> labels,
        (int X, int Y, int Z) size,
        (double X, double Y, double Z) spacing,
        IReadOnlyDictionary<int, (byte R, byte G, byte B)> colours,
        PreviewOptions options)
    {
        ArgumentNullException.ThrowIfNull(colours);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var count = (long)size.X * size.Y * size.Z;
        if (size.X <= 0 || size.Y <= 0 || size.Z <= 0 || ct.Length != count)
        {
            throw new ArgumentException($"CT has {ct.Length} voxels, expected {size.X}×{size.Y}×{size.Z}", nameof(ct));
        }

        if (labels.Length != 0 && labels.Length != count)
        {
            throw new ArgumentException($"label map has {labels.Length} voxels, expected {count}", nameof(labels));
        }

        if (spacing.X <= 0 || spacing.Y <= 0 || spacing.Z <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(spacing), "spacing must be positive");
        }

        var extentX = size.X * spacing.X;
        var extentY = size.Y * spacing.Y;
        var extentZ = size.Z * spacing.Z;
        var pixel = Math.Max(Math.Min(spacing.X, Math.Min(spacing.Y, spacing.Z)), Math.Max(extentX, Math.Max(extentY, extentZ)) / options.MaxPanelSize);

        // Panels: axial (x across, y down), coronal (x across, z up), sagittal (y across, z up).
        var panels = new (int W, int H, int Plane)[]
        {
            (Px(extentX, pixel), Px(extentY, pixel), 0),
            (Px(extentX, pixel), Px(extentZ, pixel), 1),
            (Px(extentY, pixel), Px(extentZ, pixel), 2),
        };
        var width = panels.Sum(p => p.W) + (Gap * (panels.Length - 1));
        var height = panels.Max(p => p.H);
        var rgb = new byte[width * height * 3];

        var low = options.WindowCenter - (options.WindowWidth / 2);
        var mid = (size.X / 2, size.Y / 2, size.Z / 2);
        var left = 0;
        foreach (var (w, h, plane) in panels)
        {
            for (var v = 0; v < h; v++)
            {
                for (var u = 0; u < w; u++)
                {
                    var (x, y, z) = plane switch
                    {
                        0 => (Index(u, pixel, spacing.X, size.X), Index(v, pixel, spacing.Y, size.Y), mid.Item3),
                        1 => (Index(u, pixel, spacing.X, size.X), mid.Item2, size.Z - 1 - Index(v, pixel, spacing.Z, size.Z)),
                        _ => (mid.Item1, Index(u, pixel, spacing.Y, size.Y), size.Z - 1 - Index(v, pixel, spacing.Z, size.Z)),
                    };
                    var voxel = ((long)z * size.Y * size.X) + ((long)y * size.X) + x;
                    var grey = Math.Clamp((ct[(int)voxel] - low) / options.WindowWidth, 0, 1) * 255;
                    double r = grey, g = grey, b = grey;
                    if (labels.Length != 0 && labels[(int)voxel] != 0 && colours.TryGetValue(labels[(int)voxel], out var c))
                    {
                        var a = options.Opacity;
                        r = ((1 - a) * r) + (a * c.R);
                        g = ((1 - a) * g) + (a * c.G);
                        b = ((1 - a) * b) + (a * c.B);
                    }

                    var o = ((v * width) + left + u) * 3;
                    rgb[o] = (byte)Math.Round(r);
                    rgb[o + 1] = (byte)Math.Round(g);
                    rgb[o + 2] = (byte)Math.Round(b);
                }
            }

            left += w + Gap;
        }

        return PngEncoder.EncodeRgb(rgb, width, height);
    }

    private static int Px(double extent, double pixel) => Math.Max(1, (int)Math.Round(extent / pixel));

    private static int Index(int pixelIndex, double pixel, double spacing, int size)
        => Math.Clamp((int)(((pixelIndex + 0.5) * pixel) / spacing), 0, size - 1);
}
