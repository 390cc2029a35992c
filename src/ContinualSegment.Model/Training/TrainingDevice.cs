namespace ContinualSegment.Model.Training;

/// <summary>Where a dataset training run puts the network.</summary>
public enum TrainingDevice
{
    /// <summary>The CPU (the default).</summary>
    Cpu,

    /// <summary>The first CUDA device; refused when the TorchSharp backend or the machine has none.</summary>
    Cuda,
}
