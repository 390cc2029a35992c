namespace ContinualSegment.Model.Datasets;

/// <summary>
/// A case on the plan's grid: channel-first voxels in tensor order [C, D, H, W] (x fastest) and the
/// task-local labels [D, H, W].
/// </summary>
public sealed class PreprocessedCase
{
    /// <summary>Creates a case; the arrays are kept, not copied.</summary>
    public PreprocessedCase(string id, int channels, int depth, int height, int width, float[] image, ushort[] labels, IReadOnlyList<double> spacing)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(spacing);
        if (channels < 1 || depth < 1 || height < 1 || width < 1)
        {
            throw new ArgumentException($"case '{id}' has an empty grid {channels}×{depth}×{height}×{width}");
        }

        var n = (long)depth * height * width;
        if (labels.LongLength != n || image.LongLength != n * channels)
        {
            throw new ArgumentException($"case '{id}': {image.Length} image and {labels.Length} label voxels do not fit {channels}×{depth}×{height}×{width}");
        }

        Id = id;
        Channels = channels;
        Depth = depth;
        Height = height;
        Width = width;
        Image = image;
        Labels = labels;
        Spacing = spacing;
    }

    /// <summary>The case id.</summary>
    public string Id { get; }

    /// <summary>Image channels.</summary>
    public int Channels { get; }

    /// <summary>Slices (z).</summary>
    public int Depth { get; }

    /// <summary>Rows (y).</summary>
    public int Height { get; }

    /// <summary>Columns (x).</summary>
    public int Width { get; }

    /// <summary>Normalised intensities [C, D, H, W].</summary>
    public float[] Image { get; }

    /// <summary>Labels [D, H, W].</summary>
    public ushort[] Labels { get; }

    /// <summary>Voxel spacing (mm, z/y/x).</summary>
    public IReadOnlyList<double> Spacing { get; }

    /// <summary>Voxels per channel.</summary>
    public int VoxelCount => Depth * Height * Width;
}
