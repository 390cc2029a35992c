namespace ContinualSegment.Model.Calibration;

/// <summary>
/// What temperature scaling is fitted on: per sampled voxel the decoder's class logits (for the sliding window's
/// averaged probabilities p, the logits are log p: softmax(log p / T) is exactly the merger's q ∝ p^(1/T)), the true
/// class and a weight (the number of voxels the sample stands for; 1 when every voxel is used).
/// </summary>
public sealed class CalibrationSamples
{
    private float[] logits;
    private int[] labels;
    private double[] weights;

    /// <summary>Creates an empty set for <paramref name="classCount"/> classes (background included).</summary>
    public CalibrationSamples(int classCount, int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ClassCount = classCount;
        logits = new float[checked(capacity * classCount)];
        labels = new int[capacity];
        weights = new double[capacity];
    }

    /// <summary>Classes per sample (background included).</summary>
    public int ClassCount { get; }

    /// <summary>The number of samples.</summary>
    public int Count { get; private set; }

    /// <summary>The sum of the weights: the number of voxels the samples stand for.</summary>
    public double TotalWeight { get; private set; }

    /// <summary>Adds one sample.</summary>
    /// <param name="sampleLogits">Its <see cref="ClassCount"/> logits (finite).</param>
    /// <param name="label">Its true class, 0 ≤ label &lt; <see cref="ClassCount"/>.</param>
    /// <param name="weight">The voxels it stands for (positive, finite).</param>
    public void Add(ReadOnlySpan<float> sampleLogits, int label, double weight = 1.0)
    {
        if (sampleLogits.Length != ClassCount)
        {
            throw new ArgumentException($"a sample needs {ClassCount} logits, got {sampleLogits.Length}", nameof(sampleLogits));
        }

        foreach (var z in sampleLogits)
        {
            if (!float.IsFinite(z))
            {
                throw new ArgumentException("logits must be finite", nameof(sampleLogits));
            }
        }

        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(label, ClassCount);
        if (!double.IsFinite(weight) || weight <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "a weight must be positive and finite");
        }

        if (Count == labels.Length)
        {
            var capacity = checked(labels.Length * 2);
            Array.Resize(ref logits, checked(capacity * ClassCount));
            Array.Resize(ref labels, capacity);
            Array.Resize(ref weights, capacity);
        }

        sampleLogits.CopyTo(logits.AsSpan(Count * ClassCount, ClassCount));
        labels[Count] = label;
        weights[Count] = weight;
        TotalWeight += weight;
        Count++;
    }

    /// <summary>The logits of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Logits(int index)
    {
        CheckIndex(index);
        return logits.AsSpan(index * ClassCount, ClassCount);
    }

    /// <summary>The true class of sample <paramref name="index"/>.</summary>
    public int Label(int index)
    {
        CheckIndex(index);
        return labels[index];
    }

    /// <summary>The weight of sample <paramref name="index"/>.</summary>
    public double Weight(int index)
    {
        CheckIndex(index);
        return weights[index];
    }

    private void CheckIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
    }
}
