namespace ContinualSegment.Model.Training;

/// <summary>Settings of one training run.</summary>
public sealed class TrainingOptions
{
    /// <summary>The seed of a run that sets none.</summary>
    public const int DefaultSeed = 12345;

    /// <summary>Passes over the training patches.</summary>
    public int Epochs { get; set; } = 50;

    /// <summary>Patches per optimiser step.</summary>
    public int BatchSize { get; set; } = 2;

    /// <summary>The optimiser.</summary>
    public OptimizerKind Optimizer { get; set; } = OptimizerKind.SgdPoly;

    /// <summary>Initial learning rate (decayed as lr·(1 − epoch/epochs)^<see cref="PolyPower"/>).</summary>
    public double LearningRate { get; set; } = 0.01;

    /// <summary>Exponent of the polynomial decay.</summary>
    public double PolyPower { get; set; } = 0.9;

    /// <summary>SGD momentum.</summary>
    public double Momentum { get; set; } = 0.99;

    /// <summary>Weight decay.</summary>
    public double WeightDecay { get; set; } = 3e-5;

    /// <summary>Seed of the weight initialisation-independent randomness (torch and the shuffling).</summary>
    public int Seed { get; set; } = DefaultSeed;

    /// <summary>Float32 (default) or mixed precision (float16 autocast with loss scaling on CUDA, bfloat16 autocast on the CPU).</summary>
    public TrainingPrecision Precision { get; set; } = TrainingPrecision.Float32;

    /// <summary>Where a dataset run (<c>TrainingRunner</c>) puts the network; in-memory training uses the bank's device as it is.</summary>
    public TrainingDevice Device { get; set; } = TrainingDevice.Cpu;

    /// <summary>First loss scale of float16 training.</summary>
    public double InitialLossScale { get; set; } = 65536;

    /// <summary>Consecutive finite steps after which float16 training doubles the loss scale.</summary>
    public int LossScaleGrowthInterval { get; set; } = 2000;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (Epochs is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "epochs must be in 1..100000");
        }

        if (BatchSize is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size must be in 1..1024");
        }

        if (!double.IsFinite(LearningRate) || LearningRate <= 0 || LearningRate > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be in (0, 10]");
        }

        if (!double.IsFinite(PolyPower) || PolyPower < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(PolyPower), PolyPower, "poly power must be ≥ 0");
        }

        if (!double.IsFinite(Momentum) || Momentum is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "momentum must be in [0, 1)");
        }

        if (!double.IsFinite(WeightDecay) || WeightDecay < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "weight decay must be ≥ 0");
        }

        if (!Enum.IsDefined(Precision))
        {
            throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "unknown precision");
        }

        if (!Enum.IsDefined(Device))
        {
            throw new ArgumentOutOfRangeException(nameof(Device), Device, "unknown device");
        }

        if (!double.IsFinite(InitialLossScale) || InitialLossScale < DynamicLossScaler.MinScale || InitialLossScale > DynamicLossScaler.MaxScale)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialLossScale), InitialLossScale, $"the initial loss scale must be in [{DynamicLossScaler.MinScale}, {DynamicLossScaler.MaxScale}]");
        }

        if (LossScaleGrowthInterval is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(LossScaleGrowthInterval), LossScaleGrowthInterval, "the loss-scale growth interval must be in 1..1000000");
        }

        if (!Enum.IsDefined(Optimizer))
        {
            throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "unknown optimiser");
        }
    }
}
