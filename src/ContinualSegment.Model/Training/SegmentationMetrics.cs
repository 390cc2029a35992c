namespace ContinualSegment.Model.Training;

/// <summary>Overlap metrics on label arrays.</summary>
public static class SegmentationMetrics
{
    /// <summary>
    /// Dice per label 1..<paramref name="classCount"/>−1 (index 0 of the result is label 1); NaN where
    /// the label is absent from both arrays.
    /// </summary>
    public static double[] Dice(ReadOnlySpan<long> predicted, ReadOnlySpan<long> truth, int classCount)
    {
        if (predicted.Length != truth.Length)
        {
            throw new ArgumentException($"predicted has {predicted.Length} voxels, truth {truth.Length}", nameof(truth));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        var inter = new long[classCount];
        var p = new long[classCount];
        var t = new long[classCount];
        for (var i = 0; i < predicted.Length; i++)
        {
            var a = predicted[i];
            var b = truth[i];
            if (a > 0 && a < classCount)
            {
                p[a]++;
            }

            if (b > 0 && b < classCount)
            {
                t[b]++;
                if (a == b)
                {
                    inter[b]++;
                }
            }
        }

        var result = new double[classCount - 1];
        for (var c = 1; c < classCount; c++)
        {
            var denominator = p[c] + t[c];
            result[c - 1] = denominator == 0 ? double.NaN : 2.0 * inter[c] / denominator;
        }

        return result;
    }

    /// <summary>The mean of the non-NaN values, or NaN when there are none.</summary>
    public static double MeanIgnoringNaN(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var present = values.Where(v => !double.IsNaN(v)).ToArray();
        return present.Length == 0 ? double.NaN : present.Average();
    }
}
