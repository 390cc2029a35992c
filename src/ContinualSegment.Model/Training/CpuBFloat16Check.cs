using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Training;

/// <summary>
/// Whether this process's libtorch computes bfloat16 convolutions right on the CPU. With libtorch 2.10 (oneDNN 3.7)
/// on AVX-512 machines with native bfloat16 they are not whenever a layer's channel count is not a multiple of the
/// SIMD block (the first layer's single channel, 8 or 12 channels): results off by the size of the outputs, not by
/// bfloat16 rounding. Checked once per process on two small convolutions against float32, without touching the
/// global random generator.
/// </summary>
internal static class CpuBFloat16Check
{
    // bfloat16 keeps 8 significant bits: a 3×3×3 convolution of unit-variance data is right to well under 5 %.
    private const double Tolerance = 0.05;

    private static readonly Lazy<string?> Shared = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Why bfloat16 convolutions cannot be trusted here; null when they can (or autocast is unavailable anyway).</summary>
    public static string? Problem => Shared.Value;

    private static string? Probe()
    {
        if (!AutocastScope.IsAvailable(out _))
        {
            return null;
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator(20261207);
        foreach (var (inChannels, outChannels) in new[] { (1L, 8L), (12L, 8L) })
        {
            var weight = randn([outChannels, inChannels, 3, 3, 3], generator: generator);
            var input = randn([1, inChannels, 8, 8, 8], generator: generator);
            var reference = nn.functional.conv3d(input, weight, padding: [1, 1, 1]);
            Tensor reduced;
            using (AutocastScope.Enter(DeviceType.CPU, ScalarType.BFloat16))
            {
                reduced = nn.functional.conv3d(input, weight, padding: [1, 1, 1]);
            }

            var error = (reduced.to(ScalarType.Float32) - reference).abs().max().item<float>() / reference.abs().max().item<float>();
            if (!(error <= Tolerance))
            {
                return $"this machine's libtorch computes bfloat16 convolutions wrongly ({inChannels}→{outChannels} channels: largest error {error:P0} of the largest output against float32)";
            }
        }

        return null;
    }
}
