using ContinualSegment.Model.Calibration;

namespace ContinualSegment.Model.Tests.Calibration;

/// <summary>Seeded synthetic classifiers: Gaussian logits z, true classes drawn from softmax(z / T*).</summary>
internal static class SyntheticLogits
{
    /// <summary>
    /// <paramref name="count"/> samples of <paramref name="classes"/> logits, each N(0, <paramref name="scale"/>²), whose labels
    /// are drawn from softmax(z / <paramref name="trueTemperature"/>): the temperature that calibrates them is T*.
    /// </summary>
    public static CalibrationSamples Draw(int count, int classes, double scale, double trueTemperature, int seed)
    {
        var random = new Random(seed);
        var samples = new CalibrationSamples(classes);
        var z = new float[classes];
        var p = new double[classes];
        for (var i = 0; i < count; i++)
        {
            for (var k = 0; k < classes; k++)
            {
                z[k] = (float)(scale * Normal(random));
            }

            var max = z.Max();
            double sum = 0;
            for (var k = 0; k < classes; k++)
            {
                p[k] = Math.Exp((z[k] - max) / trueTemperature);
                sum += p[k];
            }

            var u = random.NextDouble() * sum;
            var label = classes - 1;
            for (var k = 0; k < classes; k++)
            {
                u -= p[k];
                if (u < 0)
                {
                    label = k;
                    break;
                }
            }

            samples.Add(z, label);
        }

        return samples;
    }

    private static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
