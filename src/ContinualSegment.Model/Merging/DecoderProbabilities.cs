using static TorchSharp.torch;

namespace ContinualSegment.Model.Merging;

/// <summary>One decoder's output, as the merger takes it.</summary>
/// <param name="DecoderId">The decoder.</param>
/// <param name="Classes">Catalogue names of its labels 1..K (background is channel 0).</param>
/// <param name="Probabilities">Softmax probabilities, float32 CPU tensor [K + 1, D, H, W] on the model grid.</param>
/// <param name="Temperature">The decoder's calibration temperature.</param>
/// <param name="TemperatureApplied">True when <paramref name="Probabilities"/> are already calibrated.</param>
/// <param name="ValidSlices">Per slice (z): whether the decoder is trusted there (body-part range); null = everywhere.</param>
public sealed record DecoderProbabilities(
    string DecoderId,
    IReadOnlyList<string> Classes,
    Tensor Probabilities,
    double Temperature = 1.0,
    bool TemperatureApplied = false,
    IReadOnlyList<bool>? ValidSlices = null);
