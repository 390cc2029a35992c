namespace ContinualSegment.Model.Training;

/// <summary>The arithmetic precision of a training run.</summary>
public enum TrainingPrecision
{
    /// <summary>Everything in float32 (the default; runs are bit-reproducible for a seed).</summary>
    Float32,

    /// <summary>
    /// Forward passes under autocast (float16 on CUDA with dynamic loss scaling, bfloat16 on the CPU);
    /// weights, optimiser state and the loss stay float32.
    /// </summary>
    Mixed,
}
