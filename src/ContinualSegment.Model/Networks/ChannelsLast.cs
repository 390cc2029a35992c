using static TorchSharp.torch;

namespace ContinualSegment.Model.Networks;

/// <summary>
/// Training inputs of convolutions in channels-last memory order. libtorch's oneDNN convolution backward in its
/// default blocked layout returns wrong, sometimes NaN, input and weight gradients on AVX-512 machines when the
/// channel count is not a multiple of the SIMD block (seen with libtorch 2.10's oneDNN 3.7); in channels-last
/// order its gradients are right. Forward passes are right in either order, so inference keeps the default one.
/// </summary>
internal static class ChannelsLast
{
    /// <summary>
    /// <paramref name="input"/> itself when no gradients are recorded, otherwise a channels-last copy (the same
    /// shape and values; a copy only if it is not channels-last already). The caller disposes the result.
    /// </summary>
    public static Tensor ForGradients(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!is_grad_enabled())
        {
            return input.alias();
        }

        var rank = input.dim();
        if (rank is not (4 or 5))
        {
            throw new ArgumentException($"a convolution input has 4 or 5 dimensions, not {rank}", nameof(input));
        }

        long[] toLast = rank == 5 ? [0, 2, 3, 4, 1] : [0, 2, 3, 1];
        long[] back = rank == 5 ? [0, 4, 1, 2, 3] : [0, 3, 1, 2];
        using var permuted = input.permute(toLast);
        using var dense = permuted.contiguous();
        return dense.permute(back);
    }
}
