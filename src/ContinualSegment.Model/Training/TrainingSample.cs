using static TorchSharp.torch;

namespace ContinualSegment.Model.Training;

/// <summary>One training patch held in memory: the caller owns (and disposes) the tensors.</summary>
/// <param name="Image">Normalised image [C, D, H, W], float32.</param>
/// <param name="Labels">Task-local labels [D, H, W], int64 (0 = background).</param>
public sealed record TrainingSample(Tensor Image, Tensor Labels);
