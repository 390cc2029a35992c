namespace ContinualSegment.Model.Calibration;

/// <summary>
/// Temperature scaling (Guo et al. 2017): one temperature T &gt; 0 per decoder, q = softmax(z / T), fitted by minimising
/// the negative log-likelihood of the true classes. The likelihood is convex in 1/T, hence unimodal in log T, and
/// the fit is a golden-section search on log T within bounds. The arg-max class does not depend on T, so neither does
/// the accuracy; only the confidences move. All sums are weighted (see <see cref="CalibrationSamples"/>) and in double.
/// </summary>
public static class TemperatureScaling
{
    /// <summary>The number of confidence bins of the expected calibration error (the usual 15).</summary>
    public const int DefaultBins = 15;

    /// <summary>The lowest temperature searched by default.</summary>
    public const double DefaultMinTemperature = 0.05;

    /// <summary>The highest temperature searched by default.</summary>
    public const double DefaultMaxTemperature = 20;

    /// <summary>The default width, in log T, of the final search interval.</summary>
    public const double DefaultTolerance = 1e-4;

    private static readonly double InverseGoldenRatio = (Math.Sqrt(5) - 1) / 2;

    /// <summary>The weighted mean negative log-likelihood (nats) of the true classes at <paramref name="temperature"/>.</summary>
    public static double NegativeLogLikelihood(CalibrationSamples samples, double temperature)
    {
        Check(samples, temperature);
        var beta = 1 / temperature;
        double sum = 0;
        for (var i = 0; i < samples.Count; i++)
        {
            var z = samples.Logits(i);
            var max = Max(z, out _);
            sum += samples.Weight(i) * (LogSumExp(z, max, beta) + (beta * (max - z[samples.Label(i)])));
        }

        return sum / samples.TotalWeight;
    }

    /// <summary>
    /// The expected calibration error at <paramref name="temperature"/>: arg-max confidences in <paramref name="bins"/>
    /// equal-width bins (b/M, (b+1)/M], Σ_b (n_b / n)·|accuracy_b − mean confidence_b|, with weighted counts.
    /// </summary>
    public static double ExpectedCalibrationError(CalibrationSamples samples, double temperature, int bins = DefaultBins)
        => Score(samples, temperature, bins).ExpectedCalibrationError;

    /// <summary>Negative log-likelihood, expected calibration error, accuracy and mean confidence at <paramref name="temperature"/>.</summary>
    public static CalibrationScore Score(CalibrationSamples samples, double temperature, int bins = DefaultBins)
    {
        Check(samples, temperature);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bins, 1000);
        var beta = 1 / temperature;
        var binWeight = new double[bins];
        var binCorrect = new double[bins];
        var binConfidence = new double[bins];
        double nll = 0, correct = 0, confidence = 0;
        for (var i = 0; i < samples.Count; i++)
        {
            var z = samples.Logits(i);
            var w = samples.Weight(i);
            var label = samples.Label(i);
            var max = Max(z, out var argmax);
            var lse = LogSumExp(z, max, beta);
            nll += w * (lse + (beta * (max - z[label])));

            // The arg-max probability: exp(β·max − logsumexp(β·z)) = exp(−lse) with lse taken relative to the maximum.
            var p = Math.Exp(-lse);
            var hit = argmax == label ? w : 0;
            var bin = Math.Clamp((int)Math.Ceiling(p * bins) - 1, 0, bins - 1);
            binWeight[bin] += w;
            binCorrect[bin] += hit;
            binConfidence[bin] += w * p;
            correct += hit;
            confidence += w * p;
        }

        var total = samples.TotalWeight;
        double ece = 0;
        for (var b = 0; b < bins; b++)
        {
            ece += Math.Abs(binCorrect[b] - binConfidence[b]) / total;
        }

        return new CalibrationScore(nll / total, ece, correct / total, confidence / total);
    }

    /// <summary>
    /// Fits the temperature: golden-section search on log T over [<paramref name="minTemperature"/>,
    /// <paramref name="maxTemperature"/>] until the interval is narrower than <paramref name="tolerance"/> (in log T).
    /// When the likelihood keeps falling towards a bound, that bound is returned and <see cref="TemperatureFit.AtBound"/> is set.
    /// T = 1 is returned when it is inside the bounds and no worse than what the search found.
    /// </summary>
    public static TemperatureFit Fit(
        CalibrationSamples samples,
        double minTemperature = DefaultMinTemperature,
        double maxTemperature = DefaultMaxTemperature,
        double tolerance = DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            throw new ArgumentException("there are no samples to fit a temperature on", nameof(samples));
        }

        CheckBounds(minTemperature, maxTemperature);
        if (!double.IsFinite(tolerance) || tolerance <= 0 || tolerance > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "the tolerance must be in (0, 1]");
        }

        var evaluations = 0;
        double Nll(double logT)
        {
            evaluations++;
            return NegativeLogLikelihood(samples, Math.Exp(logT));
        }

        var lo = Math.Log(minTemperature);
        var hi = Math.Log(maxTemperature);
        var (a, b) = (lo, hi);
        var c = b - (InverseGoldenRatio * (b - a));
        var d = a + (InverseGoldenRatio * (b - a));
        var fc = Nll(c);
        var fd = Nll(d);
        while (b - a > tolerance)
        {
            if (fc <= fd)
            {
                (b, d, fd) = (d, c, fc);
                c = b - (InverseGoldenRatio * (b - a));
                fc = Nll(c);
            }
            else
            {
                (a, c, fc) = (c, d, fd);
                d = a + (InverseGoldenRatio * (b - a));
                fd = Nll(d);
            }
        }

        var (best, bestNll) = fc <= fd ? (c, fc) : (d, fd);

        // The search only narrows inside the bounds: a minimum beyond one leaves the interval against it.
        var atBound = false;
        foreach (var bound in new[] { lo, hi })
        {
            if (Math.Abs(best - bound) <= 2 * tolerance)
            {
                var f = Nll(bound);
                if (f <= bestNll)
                {
                    (best, bestNll) = (bound, f);
                    atBound = true;
                }
            }
        }

        // No calibration (T = 1) is kept when the search found nothing better, so that a fit never makes the likelihood worse.
        if (!atBound && lo <= 0 && hi >= 0)
        {
            var f = Nll(0);
            if (f < bestNll)
            {
                (best, bestNll) = (0, f);
            }
        }

        return new TemperatureFit(Math.Exp(best), bestNll, atBound, evaluations);
    }

    /// <summary>Throws unless 0 &lt; <paramref name="minTemperature"/> &lt; <paramref name="maxTemperature"/>, both finite.</summary>
    public static void CheckBounds(double minTemperature, double maxTemperature)
    {
        if (!double.IsFinite(minTemperature) || minTemperature <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(minTemperature), minTemperature, "the lowest temperature must be positive and finite");
        }

        if (!double.IsFinite(maxTemperature) || maxTemperature <= minTemperature)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTemperature), maxTemperature, "the highest temperature must be finite and above the lowest");
        }
    }

    private static void Check(CalibrationSamples samples, double temperature)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            throw new ArgumentException("there are no samples", nameof(samples));
        }

        if (!double.IsFinite(temperature) || temperature <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "the temperature must be positive and finite");
        }
    }

    private static float Max(ReadOnlySpan<float> z, out int argmax)
    {
        argmax = 0;
        var max = z[0];
        for (var k = 1; k < z.Length; k++)
        {
            if (z[k] > max)
            {
                max = z[k];
                argmax = k;
            }
        }

        return max;
    }

    // log Σ_k exp(β·(z_k − max)): the log-partition function of β·z less β·max (≥ 0, finite).
    private static double LogSumExp(ReadOnlySpan<float> z, float max, double beta)
    {
        double sum = 0;
        foreach (var v in z)
        {
            sum += Math.Exp(beta * (v - max));
        }

        return Math.Log(sum);
    }
}
