using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.BodyPart;

/// <summary>
/// Turns a CT volume (HU, tensor order [D, H, W], x fastest) into the regressor's input: every axial
/// slice clipped to [−1000, 1000] HU, scaled to [−1, 1] and resized to <c>size × size</c>.
/// </summary>
public static class BodyPartSlices
{
    /// <summary>The default slice size.</summary>
    public const int DefaultSize = 64;

    /// <summary>Slices [D, 1, size, size] of a volume given as voxels.</summary>
    public static Tensor Prepare(float[] hu, int depth, int height, int width, int size = DefaultSize)
    {
        CheckInput(hu, depth, height, width, size);
        using var scope = NewDisposeScope();
        var volume = tensor(hu).reshape(depth, 1, height, width).Clamped(-1000, 1000).DividedBy(1000);
        var resized = nn.functional.interpolate(volume, [size, size], mode: InterpolationMode.Bilinear, align_corners: false);
        return resized.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Throws unless <paramref name="hu"/> fills depth × height × width voxels and <paramref name="size"/> is in 16..512.</summary>
    internal static void CheckInput(float[] hu, int depth, int height, int width, int size)
    {
        ArgumentNullException.ThrowIfNull(hu);
        if (depth < 1 || height < 1 || width < 1 || (long)depth * height * width != hu.LongLength)
        {
            throw new ArgumentException($"{hu.Length} voxels do not fit {depth}×{height}×{width}");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(size, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 512);
    }
}
