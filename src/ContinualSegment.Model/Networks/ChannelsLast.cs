using static TorchSharp.torch;

namespace ContinualSegment.Model.Networks;

/// <summary>
/// Convolution inputs in channels-last memory order. libtorch's oneDNN convolutions in their default blocked layout
/// return wrong, sometimes NaN, results on AVX-512 machines when a channel count is not a multiple of the SIMD block
/// (seen with libtorch 2.10's oneDNN 3.7): gradients for 8- or 12-channel outputs, forward passes for 20 input
/// channels (a decoder block's upsampled features joined with a skip). In channels-last order both are right.
/// </summary>
internal static class ChannelsLast
{
    /// <summary>
    /// A channels-last copy of <paramref name="input"/> (the same shape and values; a copy only if it is not
    /// channels-last already). The caller disposes the result.
    /// </summary>
    public static Tensor Of(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
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
