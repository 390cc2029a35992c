using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Resampling;
using static TorchSharp.torch;

namespace ContinualSegment.Model.BodyPart;

/// <summary>Loads CT volumes for body-part regression training: resampled along z to one slice spacing, then turned into slices.</summary>
public static class BodyPartVolumes
{
    /// <summary>Slices [D', 1, size, size] of <paramref name="volume"/> after linear resampling along z to <paramref name="sliceSpacingMm"/>.</summary>
    public static Tensor Prepare(Volume<float> volume, double sliceSpacingMm, int size = BodyPartSlices.DefaultSize)
        => Prepare(volume, sliceSpacingMm, new BodyPartSliceFormat(size, null));

    /// <summary>Slices of <paramref name="volume"/> in <paramref name="format"/> after linear resampling along z to <paramref name="sliceSpacingMm"/>.</summary>
    public static Tensor Prepare(Volume<float> volume, double sliceSpacingMm, BodyPartSliceFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(volume);
        if (!double.IsFinite(sliceSpacingMm) || sliceSpacingMm <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sliceSpacingMm), sliceSpacingMm, "must be positive");
        }

        var source = new GridSize(volume.SizeX, volume.SizeY, volume.SizeZ);
        var depth = Math.Max(1, (int)Math.Round(volume.SizeZ * volume.Spacing.Z / sliceSpacingMm));
        var target = new GridSize(volume.SizeX, volume.SizeY, depth);
        var mapping = IndexMapping.Scale((1, 1, sliceSpacingMm / volume.Spacing.Z), (0, 0, 0));
        var data = Resampler.Linear(volume.Data, source, target, mapping, -1000);
        return format.Prepare(data, depth, volume.SizeY, volume.SizeX, volume.Spacing.Y, volume.Spacing.X);
    }

    /// <summary>Reads NIfTI CT files and prepares each (see <see cref="Prepare"/>); the caller disposes the tensors.</summary>
    public static async Task<IReadOnlyList<Tensor>> LoadAsync(IEnumerable<string> paths, double sliceSpacingMm, BodyPartSliceFormat format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var result = new List<Tensor>();
        try
        {
            foreach (var path in paths)
            {
                var volume = await NiftiReader.ReadFloatAsync(path, cancellationToken).ConfigureAwait(false);
                result.Add(Prepare(volume, sliceSpacingMm, format));
            }
        }
        catch
        {
            foreach (var t in result)
            {
                t.Dispose();
            }

            throw;
        }

        return result;
    }
}
