using static TorchSharp.torch;

namespace ContinualSegment.Model.Inference;

/// <summary>
/// Softmax probabilities per decoder on the model grid: each tensor is [classes + 1, D, H, W] on the
/// CPU, float32 (float16 with <see cref="SlidingWindowOptions.AccumulateInHalf"/>). Disposing the prediction disposes them.
/// </summary>
public sealed class SlidingWindowPrediction : IDisposable
{
    private readonly Dictionary<string, Tensor> probabilities;

    internal SlidingWindowPrediction(Dictionary<string, Tensor> probabilities, long depth, long height, long width)
    {
        this.probabilities = probabilities;
        Depth = depth;
        Height = height;
        Width = width;
    }

    /// <summary>Slices (z).</summary>
    public long Depth { get; }

    /// <summary>Rows (y).</summary>
    public long Height { get; }

    /// <summary>Columns (x).</summary>
    public long Width { get; }

    /// <summary>Probabilities keyed by decoder id.</summary>
    public IReadOnlyDictionary<string, Tensor> Probabilities => probabilities;

    /// <summary>
    /// The task-local label map of decoder <paramref name="decoderId"/> (arg-max over its channels),
    /// computed <paramref name="slabDepth"/> slices at a time; z, y, x order.
    /// </summary>
    public byte[] ArgMax(string decoderId, int slabDepth = 16)
    {
        if (!probabilities.TryGetValue(decoderId, out var probs))
        {
            throw new KeyNotFoundException($"no prediction for decoder '{decoderId}'");
        }

        return ArgMaxSlabs(probs, slabDepth);
    }

    /// <summary>Arg-max over dimension 0 of [K, D, H, W] probabilities, slab by slab, as bytes (K ≤ 256).</summary>
    public static byte[] ArgMaxSlabs(Tensor probabilities, int slabDepth = 16)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentOutOfRangeException.ThrowIfLessThan(slabDepth, 1);
        if (probabilities.dim() != 4 || probabilities.shape[0] > 256)
        {
            throw new ArgumentException($"expected [K ≤ 256, D, H, W], got [{string.Join(',', probabilities.shape)}]", nameof(probabilities));
        }

        var (d, h, w) = (probabilities.shape[1], probabilities.shape[2], probabilities.shape[3]);
        var result = new byte[checked(d * h * w)];
        var plane = h * w;
        for (long z = 0; z < d; z += slabDepth)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(slabDepth, d - z);
            var labels = probabilities.narrow(1, z, n).argmax(0).to(ScalarType.Byte).contiguous();
            labels.bytes.CopyTo(result.AsSpan((int)(z * plane), (int)(n * plane)));
        }

        return result;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in probabilities.Values)
        {
            t.Dispose();
        }

        probabilities.Clear();
    }
}
