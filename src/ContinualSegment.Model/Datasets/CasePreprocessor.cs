using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Resampling;
using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Datasets;

/// <summary>
/// Brings cases onto a plan's grid: trilinear resampling of the image and label-aware resampling of
/// the labels to <see cref="ModelPlan.TargetSpacing"/> (z/y/x), then the plan's intensity normalisation.
/// Volumes are taken in their voxel order (x fastest, slices last); direction cosines are not applied.
/// </summary>
public static class CasePreprocessor
{
    /// <summary>The largest grid produced (voxels per channel).</summary>
    public const long MaxVoxels = 512L * 512 * 1024;

    /// <summary>Reads and preprocesses one case.</summary>
    public static async Task<PreprocessedCase> LoadAsync(NnUnetCase item, ModelPlan plan, int classCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(plan);
        var images = new List<Volume<float>>();
        foreach (var path in item.ImagePaths)
        {
            images.Add(await NiftiReader.ReadFloatAsync(path, cancellationToken).ConfigureAwait(false));
        }

        var labels = await NiftiReader.ReadLabelsAsync(item.LabelPath, cancellationToken).ConfigureAwait(false);
        return Preprocess(item.Id, images, labels, plan, classCount);
    }

    /// <summary>Resamples and normalises in-memory volumes (all on the same grid).</summary>
    public static PreprocessedCase Preprocess(string id, IReadOnlyList<Volume<float>> channels, Volume<ushort> labels, ModelPlan plan, int classCount)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(plan);
        if (channels.Count == 0 || channels.Any(c => !c.SameGrid(labels)))
        {
            throw new ArgumentException($"case '{id}': the image channels and the labels must share one grid");
        }

        var max = labels.Data.Length == 0 ? 0 : labels.Data.Max();
        if (max > classCount)
        {
            throw new ArgumentException($"case '{id}' has label {max}; the dataset has {classCount} classes");
        }

        var (target, mapping) = TargetGrid(labels.Spacing, new GridSize(labels.SizeX, labels.SizeY, labels.SizeZ), plan.TargetSpacing);
        var source = new GridSize(labels.SizeX, labels.SizeY, labels.SizeZ);
        var n = (int)target.Count;
        var image = new float[n * channels.Count];
        for (var c = 0; c < channels.Count; c++)
        {
            var resampled = Resampler.Linear(channels[c].Data, source, target, mapping, channels[c].Data.Length == 0 ? 0 : channels[c].Data.Min());
            plan.Normalization.Apply(resampled);
            resampled.CopyTo(image, c * n);
        }

        var lab = Resampler.LabelAware(labels.Data, source, target, mapping);
        return new PreprocessedCase(id, channels.Count, target.Z, target.Y, target.X, image, lab, [.. plan.TargetSpacing]);
    }

    /// <summary>The target grid size and the mapping from it to the source grid for a (z, y, x) target spacing.</summary>
    public static (GridSize Size, IndexMapping Mapping) TargetGrid(Vec3 sourceSpacing, GridSize source, IReadOnlyList<double> targetSpacingZyx)
    {
        ArgumentNullException.ThrowIfNull(targetSpacingZyx);
        if (targetSpacingZyx.Count != 3 || targetSpacingZyx.Any(s => !double.IsFinite(s) || s <= 0))
        {
            throw new ArgumentException("the target spacing needs three positive values (z, y, x)", nameof(targetSpacingZyx));
        }

        var tz = targetSpacingZyx[0];
        var ty = targetSpacingZyx[1];
        var tx = targetSpacingZyx[2];
        var size = new GridSize(Count(source.X, sourceSpacing.X, tx), Count(source.Y, sourceSpacing.Y, ty), Count(source.Z, sourceSpacing.Z, tz));
        if (size.Count > MaxVoxels)
        {
            throw new ArgumentException($"the resampled grid {size.X}×{size.Y}×{size.Z} exceeds {MaxVoxels} voxels");
        }

        // Keep the grid centred on the source extent.
        double Offset(int n, double ss, int m, double ts) => (((n - 1) * ss) - ((m - 1) * ts)) / 2 / ss;
        var mapping = IndexMapping.Scale(
            (tx / sourceSpacing.X, ty / sourceSpacing.Y, tz / sourceSpacing.Z),
            (Offset(source.X, sourceSpacing.X, size.X, tx), Offset(source.Y, sourceSpacing.Y, size.Y, ty), Offset(source.Z, sourceSpacing.Z, size.Z, tz)));
        return (size, mapping);
    }

    private static int Count(int n, double sourceSpacing, double targetSpacing)
    {
        if (!double.IsFinite(sourceSpacing) || sourceSpacing <= 0)
        {
            throw new ArgumentException($"invalid source spacing {sourceSpacing}");
        }

        return Math.Max(1, (int)Math.Round(n * sourceSpacing / targetSpacing));
    }
}
