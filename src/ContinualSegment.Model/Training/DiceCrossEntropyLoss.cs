using static TorchSharp.torch;
using ContinualSegment.Model.Runtime;

namespace ContinualSegment.Model.Training;

/// <summary>
/// Cross-entropy plus soft Dice (nnU-Net style): Dice over the foreground classes only, computed as
/// a batch Dice (sums over the batch and all voxels), loss = CE + (1 − mean foreground Dice).
/// </summary>
public static class DiceCrossEntropyLoss
{
    private const double Smooth = 1e-5;

    /// <summary>The loss for logits [N, K, D, H, W] against labels [N, D, H, W] (int64, 0..K−1).</summary>
    public static Tensor Compute(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.dim() != 5 || labels.dim() != 4 || logits.shape[0] != labels.shape[0] || !logits.shape.Skip(2).SequenceEqual(labels.shape.Skip(1)))
        {
            throw new ArgumentException($"logits [{string.Join(',', logits.shape)}] and labels [{string.Join(',', labels.shape)}] do not match (expected [N,K,D,H,W] and [N,D,H,W])", nameof(labels));
        }

        var classes = logits.shape[1];
        using var scope = NewDisposeScope();
        var ce = nn.functional.cross_entropy(logits, labels);
        if (classes < 2)
        {
            return ce.MoveToOuterDisposeScope();
        }

        var probs = nn.functional.softmax(logits, 1);
        var onehot = nn.functional.one_hot(labels, classes).permute(0, 4, 1, 2, 3).to(logits.dtype);
        var p = probs.narrow(1, 1, classes - 1);
        var g = onehot.narrow(1, 1, classes - 1);
        long[] dims = [0, 2, 3, 4];
        var intersection = (p * g).sum(dims);
        var denominator = p.sum(dims).Plus(g.sum(dims));
        var dice = intersection.Times(2).Plus(Smooth) / denominator.Plus(Smooth);
        var loss = ce.Plus(ScalarArithmetic.Minus(1, dice.mean()));
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Deep-supervision loss: the full-resolution output weighs 1, each coarser output half the one
    /// before; labels are downsampled by nearest neighbour; the weights are normalised to sum to 1.
    /// </summary>
    public static Tensor ComputeDeepSupervised(IReadOnlyList<Tensor> outputs, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (outputs.Count == 0)
        {
            throw new ArgumentException("no outputs", nameof(outputs));
        }

        using var scope = NewDisposeScope();
        var total = Compute(outputs[0], labels);
        double weight = 1, weights = 1;
        for (var i = 1; i < outputs.Count; i++)
        {
            weight /= 2;
            weights += weight;
            var size = outputs[i].shape.Skip(2).ToArray();
            var small = nn.functional.interpolate(labels.unsqueeze(1).to(ScalarType.Float32), size, mode: InterpolationMode.Nearest).squeeze(1).to(ScalarType.Int64);
            total = total.Plus(Compute(outputs[i], small).Times(weight));
        }

        return total.DividedBy(weights).MoveToOuterDisposeScope();
    }
}
