using static TorchSharp.torch;

namespace ContinualSegment.Model.BodyPart;

/// <summary>Per-slice body-part scores of a volume, optionally smoothed and made monotonic.</summary>
public static class BodyPartScorer
{
    /// <summary>Raw scores of every slice of <paramref name="slices"/> [D, 1, S, S].</summary>
    public static double[] Score(BodyPartRegressor regressor, Tensor slices, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(regressor);
        ArgumentNullException.ThrowIfNull(slices);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var wasTraining = regressor.training;
        regressor.eval();
        try
        {
            using var noGrad = no_grad();
            var result = new List<double>();
            var depth = slices.shape[0];
            for (long start = 0; start < depth; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var part = slices.narrow(0, start, Math.Min(depth, start + batchSize) - start);
                result.AddRange(regressor.call(part).to(ScalarType.Float64).data<double>().ToArray());
            }

            return [.. result];
        }
        finally
        {
            regressor.train(wasTraining);
        }
    }

    /// <summary>
    /// Scores smoothed with a centred moving average of <paramref name="window"/> slices and then fitted
    /// monotonically: non-decreasing when the scores rise overall with the slice index (slices stored feet
    /// to head), else non-increasing (slices stored head to feet).
    /// </summary>
    public static double[] ScoreMonotonic(BodyPartRegressor regressor, Tensor slices, int window = 3)
        => Monotonic(Score(regressor, slices), window);

    /// <summary>Raw scores as <see cref="ScoreMonotonic"/> makes them: smoothed over <paramref name="window"/> slices, then fitted monotonically.</summary>
    public static double[] Monotonic(IReadOnlyList<double> raw, int window = 3) => FitMonotonic(Smooth(raw, window));

    /// <summary>Raw per-slice scores of a CT volume in HU (one per z slice of <paramref name="volume"/>).</summary>
    public static double[] ScoreVolume(BodyPartRegressor regressor, ContinualSegment.Imaging.Volume<float> volume, BodyPartSliceFormat format, bool monotonic = true)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(format);
        using var slices = format.Prepare(volume.Data, volume.SizeZ, volume.SizeY, volume.SizeX, volume.Spacing.Y, volume.Spacing.X);
        return monotonic ? ScoreMonotonic(regressor, slices) : Score(regressor, slices);
    }

    /// <summary>The isotonic fit in the scores' overall direction (see <see cref="ScoreMonotonic"/>).</summary>
    public static double[] FitMonotonic(IReadOnlyList<double> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var n = scores.Count;
        double slope = 0;
        var meanIndex = (n - 1) / 2.0;
        var mean = n == 0 ? 0 : scores.Average();
        for (var i = 0; i < n; i++)
        {
            slope += (i - meanIndex) * (scores[i] - mean);
        }

        if (slope >= 0)
        {
            return MakeMonotonic(scores);
        }

        var reversed = MakeMonotonic(scores.Reverse().ToArray());
        Array.Reverse(reversed);
        return reversed;
    }

    /// <summary>Centred moving average (the window shrinks at the ends).</summary>
    public static double[] Smooth(IReadOnlyList<double> scores, int window)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var half = window / 2;
        var result = new double[scores.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var lo = Math.Max(0, i - half);
            var hi = Math.Min(result.Length - 1, i + half);
            double sum = 0;
            for (var j = lo; j <= hi; j++)
            {
                sum += scores[j];
            }

            result[i] = sum / (hi - lo + 1);
        }

        return result;
    }

    /// <summary>The least-squares non-decreasing fit (isotonic regression, pool-adjacent-violators).</summary>
    public static double[] MakeMonotonic(IReadOnlyList<double> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var means = new List<double>();
        var counts = new List<int>();
        foreach (var s in scores)
        {
            means.Add(s);
            counts.Add(1);
            while (means.Count > 1 && means[^2] > means[^1])
            {
                var n = counts[^2] + counts[^1];
                var merged = ((means[^2] * counts[^2]) + (means[^1] * counts[^1])) / n;
                means.RemoveAt(means.Count - 1);
                counts.RemoveAt(counts.Count - 1);
                means[^1] = merged;
                counts[^1] = n;
            }
        }

        var result = new double[scores.Count];
        var k = 0;
        for (var b = 0; b < means.Count; b++)
        {
            for (var i = 0; i < counts[b]; i++)
            {
                result[k++] = means[b];
            }
        }

        return result;
    }
}
