namespace ContinualSegment.Model.Trimming;

/// <summary>
/// Teacher–student distillation settings. The loss is
/// α·T²·KL(softmax(teacher/T) ‖ softmax(student/T)) + (1 − α)·(Dice + CE on the labels).
/// </summary>
public sealed class DistillationOptions
{
    /// <summary>Softening temperature T of both distributions.</summary>
    public double Temperature { get; set; } = 2.0;

    /// <summary>Weight α of the distillation term (1 − α weighs the label loss).</summary>
    public double Alpha { get; set; } = 0.5;

    /// <summary>Optimiser steps.</summary>
    public int Steps { get; set; } = 300;

    /// <summary>Patches per step.</summary>
    public int BatchSize { get; set; } = 2;

    /// <summary>Initial AdamW learning rate (decayed polynomially to zero over the steps, power 0.9).</summary>
    public double LearningRate { get; set; } = 0.005;

    /// <summary>AdamW weight decay.</summary>
    public double WeightDecay { get; set; } = 1e-4;

    /// <summary>Seed of the batch order.</summary>
    public int Seed { get; set; } = 12345;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (!double.IsFinite(Temperature) || Temperature <= 0 || Temperature > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "temperature must be in (0, 100]");
        }

        if (!double.IsFinite(Alpha) || Alpha is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "alpha must be in [0, 1]");
        }

        if (Steps is < 1 or > 10_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "steps must be in 1..10000000");
        }

        if (BatchSize is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size must be in 1..1024");
        }

        if (!double.IsFinite(LearningRate) || LearningRate <= 0 || LearningRate > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be in (0, 10]");
        }

        if (!double.IsFinite(WeightDecay) || WeightDecay < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "weight decay must be ≥ 0");
        }
    }

    internal DistillationOptions WithSteps(int steps, int seed) => new()
    {
        Temperature = Temperature,
        Alpha = Alpha,
        Steps = steps,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        WeightDecay = WeightDecay,
        Seed = seed,
    };
}
