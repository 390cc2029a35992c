using ContinualSegment.Imaging;
using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Datasets;

/// <summary>
/// nnU-Net-style CT statistics: up to <see cref="SamplesPerCase"/> foreground voxels (label &gt; 0) are
/// drawn per case; the clip values are their 0.5/99.5 percentiles and mean/std are taken of the clipped samples.
/// </summary>
public static class IntensityStatistics
{
    /// <summary>Foreground voxels sampled per case.</summary>
    public const int SamplesPerCase = 10_000;

    /// <summary>Foreground samples of one case (deterministic per <paramref name="seed"/>).</summary>
    public static float[] SampleForeground(Volume<float> image, Volume<ushort> labels, int seed)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(labels);
        if (image.Length != labels.Length)
        {
            throw new ArgumentException("image and labels differ in size");
        }

        var fg = new List<int>();
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels.Data[i] > 0)
            {
                fg.Add(i);
            }
        }

        if (fg.Count <= SamplesPerCase)
        {
            return fg.Select(i => image.Data[i]).ToArray();
        }

        var random = new Random(seed);
        var result = new float[SamplesPerCase];
        for (var k = 0; k < result.Length; k++)
        {
            result[k] = image.Data[fg[random.Next(fg.Count)]];
        }

        return result;
    }

    /// <summary>The CT normalisation for the pooled foreground samples.</summary>
    public static IntensityNormalization Compute(IEnumerable<float> foregroundSamples, double lowerPercentile = 0.5, double upperPercentile = 99.5)
    {
        ArgumentNullException.ThrowIfNull(foregroundSamples);
        var values = foregroundSamples.Where(float.IsFinite).Select(v => (double)v).ToArray();
        if (values.Length == 0)
        {
            throw new ArgumentException("no foreground voxels to compute statistics from", nameof(foregroundSamples));
        }

        if (lowerPercentile < 0 || upperPercentile > 100 || lowerPercentile >= upperPercentile)
        {
            throw new ArgumentOutOfRangeException(nameof(lowerPercentile), "percentiles must satisfy 0 ≤ lower < upper ≤ 100");
        }

        Array.Sort(values);
        var lo = Percentile(values, lowerPercentile);
        var hi = Percentile(values, upperPercentile);
        double sum = 0, sq = 0;
        foreach (var v in values)
        {
            var c = Math.Clamp(v, lo, hi);
            sum += c;
            sq += c * c;
        }

        var mean = sum / values.Length;
        var std = Math.Sqrt(Math.Max(0, (sq / values.Length) - (mean * mean)));
        return new IntensityNormalization
        {
            Scheme = NormalizationScheme.CT,
            ClipLower = lo,
            ClipUpper = hi,
            LowerPercentile = lowerPercentile,
            UpperPercentile = upperPercentile,
            Mean = mean,
            Std = Math.Max(std, 1e-6),
        };
    }

    /// <summary>Reads every case's first channel and labels and computes the normalisation.</summary>
    public static async Task<IntensityNormalization> ComputeAsync(IEnumerable<NnUnetCase> cases, int seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var pooled = new List<float>();
        var index = 0;
        foreach (var c in cases)
        {
            var image = await NiftiReader.ReadFloatAsync(c.ImagePaths[0], cancellationToken).ConfigureAwait(false);
            var labels = await NiftiReader.ReadLabelsAsync(c.LabelPath, cancellationToken).ConfigureAwait(false);
            pooled.AddRange(SampleForeground(image, labels, seed + index++));
        }

        return Compute(pooled);
    }

    /// <summary>Linear-interpolated percentile (0..100) of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percentile)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            throw new ArgumentException("no values", nameof(sorted));
        }

        var pos = percentile / 100 * (sorted.Count - 1);
        var i = (int)Math.Floor(pos);
        var j = Math.Min(i + 1, sorted.Count - 1);
        return sorted[i] + ((pos - i) * (sorted[j] - sorted[i]));
    }
}
