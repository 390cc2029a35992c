using static TorchSharp.torch;

namespace ContinualSegment.Model.Inference;

/// <summary>
/// The importance weights of one sliding-window patch: a separable Gaussian centred on the patch with
/// σ = <c>sigmaScale</c> × patch size per axis (1/8 by default), scaled to a maximum of 1; zero weights
/// are lifted to the smallest positive weight so that every voxel keeps a defined average.
/// </summary>
public static class GaussianImportanceMap
{
    /// <summary>The map as a float32 tensor [D, H, W] on the CPU; the caller owns it.</summary>
    public static Tensor Create(IReadOnlyList<int> patchSize, double sigmaScale = 0.125)
    {
        var weights = CreateArray(patchSize, sigmaScale);
        return tensor(weights, new long[] { patchSize[0], patchSize[1], patchSize[2] });
    }

    /// <summary>The map as a flat array in z, y, x order.</summary>
    public static float[] CreateArray(IReadOnlyList<int> patchSize, double sigmaScale = 0.125)
    {
        ArgumentNullException.ThrowIfNull(patchSize);
        if (patchSize.Count != 3 || patchSize.Any(p => p < 1))
        {
            throw new ArgumentException("patch size must hold 3 positive values", nameof(patchSize));
        }

        if (!double.IsFinite(sigmaScale) || sigmaScale <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaScale), sigmaScale, "sigma scale must be positive");
        }

        var axes = new double[3][];
        for (var a = 0; a < 3; a++)
        {
            var n = patchSize[a];
            var sigma = n * sigmaScale;
            var centre = (n - 1) / 2.0;
            axes[a] = new double[n];
            for (var i = 0; i < n; i++)
            {
                var d = i - centre;
                axes[a][i] = Math.Exp(-(d * d) / (2 * sigma * sigma));
            }
        }

        var result = new float[patchSize[0] * patchSize[1] * patchSize[2]];
        double max = 0;
        var k = 0;
        for (var z = 0; z < patchSize[0]; z++)
        {
            for (var y = 0; y < patchSize[1]; y++)
            {
                for (var x = 0; x < patchSize[2]; x++)
                {
                    var w = axes[0][z] * axes[1][y] * axes[2][x];
                    max = Math.Max(max, w);
                    result[k++] = (float)w;
                }
            }
        }

        var minPositive = float.MaxValue;
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = (float)(result[i] / max);
            if (result[i] > 0)
            {
                minPositive = Math.Min(minPositive, result[i]);
            }
        }

        for (var i = 0; i < result.Length; i++)
        {
            if (result[i] <= 0)
            {
                result[i] = minPositive;
            }
        }

        return result;
    }
}
