using ContinualSegment.Model.Calibration;

namespace ContinualSegment.Model.Tests.Calibration;

public sealed class TemperatureScalingTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(6.0)]
    public void The_fit_recovers_the_temperature_the_labels_were_drawn_with(double trueTemperature)
    {
        var samples = SyntheticLogits.Draw(count: 20_000, classes: 5, scale: 3, trueTemperature, seed: 7);

        var fit = TemperatureScaling.Fit(samples);

        Assert.False(fit.AtBound);
        Assert.InRange(fit.Temperature, trueTemperature * 0.95, trueTemperature * 1.05);
        Assert.Equal(TemperatureScaling.NegativeLogLikelihood(samples, fit.Temperature), fit.NegativeLogLikelihood, 12);
        Assert.InRange(fit.Evaluations, 10, 60);
    }

    [Fact]
    public void The_fitted_temperature_minimises_the_likelihood_on_a_grid()
    {
        var samples = SyntheticLogits.Draw(count: 5_000, classes: 4, scale: 2, trueTemperature: 1.7, seed: 3);

        var fit = TemperatureScaling.Fit(samples);

        foreach (var t in new[] { 0.05, 0.2, 0.5, 1.0, 1.5, 1.65, 1.75, 2.0, 3.0, 8.0, 20.0 })
        {
            Assert.True(
                fit.NegativeLogLikelihood <= TemperatureScaling.NegativeLogLikelihood(samples, t) + 1e-9,
                $"NLL at T = {t} is below the fit's at T = {fit.Temperature}");
        }
    }

    [Fact]
    public void A_perfectly_calibrated_set_has_an_ece_near_zero_and_keeps_a_temperature_near_one()
    {
        var samples = SyntheticLogits.Draw(count: 50_000, classes: 4, scale: 2, trueTemperature: 1.0, seed: 11);

        var before = TemperatureScaling.Score(samples, 1.0);
        var fit = TemperatureScaling.Fit(samples);
        var after = TemperatureScaling.Score(samples, fit.Temperature);

        Assert.InRange(before.ExpectedCalibrationError, 0, 0.01);
        Assert.InRange(Math.Abs(before.Accuracy - before.MeanConfidence), 0, 0.01);
        Assert.InRange(fit.Temperature, 0.97, 1.03);
        Assert.InRange(after.ExpectedCalibrationError, 0, 0.01);
        Assert.True(after.NegativeLogLikelihood <= before.NegativeLogLikelihood);
    }

    [Fact]
    public void An_over_confident_set_has_a_larger_ece_that_drops_after_fitting()
    {
        // The logits are three times too sharp: labels come from softmax(z / 3).
        var samples = SyntheticLogits.Draw(count: 50_000, classes: 4, scale: 4, trueTemperature: 3.0, seed: 12);

        var before = TemperatureScaling.Score(samples, 1.0);
        var fit = TemperatureScaling.Fit(samples);
        var after = TemperatureScaling.Score(samples, fit.Temperature);

        Assert.True(before.MeanConfidence > before.Accuracy + 0.1, $"confidence {before.MeanConfidence} is not above accuracy {before.Accuracy}");
        Assert.True(before.ExpectedCalibrationError > 0.1, $"ECE before is {before.ExpectedCalibrationError}");
        Assert.InRange(after.ExpectedCalibrationError, 0, 0.015);
        Assert.True(after.NegativeLogLikelihood < before.NegativeLogLikelihood);
        Assert.Equal(before.Accuracy, after.Accuracy, 12);
        Assert.InRange(fit.Temperature, 2.85, 3.15);
    }

    [Theory]
    [InlineData(0.3, 1)]
    [InlineData(1.0, 2)]
    [InlineData(1.0, 3)]
    [InlineData(4.0, 4)]
    public void The_likelihood_after_the_fit_is_never_above_the_likelihood_at_temperature_one(double trueTemperature, int seed)
    {
        var samples = SyntheticLogits.Draw(count: 2_000, classes: 3, scale: 2, trueTemperature, seed);

        var fit = TemperatureScaling.Fit(samples);

        Assert.True(fit.NegativeLogLikelihood <= TemperatureScaling.NegativeLogLikelihood(samples, 1.0));
    }

    [Fact]
    public void Ece_of_a_hand_made_set_is_the_gap_between_accuracy_and_confidence_per_bin()
    {
        // Two classes, logits (0, ln 3): class 1 with probability 0.75 (bin 12 of 15). Three of four are class 1: calibrated.
        var calibrated = new CalibrationSamples(2);
        float[] z = [0f, MathF.Log(3)];
        foreach (var label in new[] { 1, 1, 1, 0 })
        {
            calibrated.Add(z, label);
        }

        Assert.Equal(0, TemperatureScaling.ExpectedCalibrationError(calibrated, 1.0), 6);
        Assert.Equal(-((3 * Math.Log(0.75)) + Math.Log(0.25)) / 4, TemperatureScaling.NegativeLogLikelihood(calibrated, 1.0), 6);

        // All four class 1: accuracy 1, confidence 0.75. Plus one voxel (0, ln 9) = 0.9 in another bin, wrong: gap 0.9.
        var over = new CalibrationSamples(2);
        foreach (var label in new[] { 1, 1, 1, 1 })
        {
            over.Add(z, label);
        }

        over.Add([0f, MathF.Log(9)], 0);
        Assert.Equal(((4 * 0.25) + 0.9) / 5, TemperatureScaling.ExpectedCalibrationError(over, 1.0), 6);
        Assert.Equal(0.8, TemperatureScaling.Score(over, 1.0).Accuracy, 12);
    }

    [Fact]
    public void A_weighted_sample_counts_like_its_repetitions()
    {
        var repeated = new CalibrationSamples(3);
        var weighted = new CalibrationSamples(3);
        float[][] logits = [[1f, 2f, 0f], [0.5f, -1f, 3f], [2f, 2f, 2.5f]];
        int[] labels = [1, 0, 2];
        int[] times = [3, 1, 2];
        for (var i = 0; i < logits.Length; i++)
        {
            weighted.Add(logits[i], labels[i], times[i]);
            for (var r = 0; r < times[i]; r++)
            {
                repeated.Add(logits[i], labels[i]);
            }
        }

        foreach (var t in new[] { 0.5, 1.0, 2.0 })
        {
            Assert.Equal(TemperatureScaling.NegativeLogLikelihood(repeated, t), TemperatureScaling.NegativeLogLikelihood(weighted, t), 12);
            Assert.Equal(TemperatureScaling.ExpectedCalibrationError(repeated, t), TemperatureScaling.ExpectedCalibrationError(weighted, t), 12);
        }

        Assert.Equal(TemperatureScaling.Fit(repeated).Temperature, TemperatureScaling.Fit(weighted).Temperature, 9);
    }

    [Fact]
    public void When_every_arg_max_is_right_the_likelihood_falls_to_the_lower_bound()
    {
        var samples = new CalibrationSamples(3);
        samples.Add([3f, 0f, 0f], 0);
        samples.Add([0f, 2f, 1f], 1);
        samples.Add([0f, 0f, 1f], 2);

        var fit = TemperatureScaling.Fit(samples, minTemperature: 0.1, maxTemperature: 10);

        Assert.True(fit.AtBound);
        Assert.Equal(0.1, fit.Temperature, 12);
    }

    [Fact]
    public void Bad_inputs_are_refused()
    {
        var samples = new CalibrationSamples(2);
        Assert.Throws<ArgumentException>(() => TemperatureScaling.Fit(samples));
        Assert.Throws<ArgumentException>(() => samples.Add([1f], 0));
        Assert.Throws<ArgumentException>(() => samples.Add([1f, float.NaN], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => samples.Add([1f, 2f], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => samples.Add([1f, 2f], 0, 0));
        samples.Add([1f, 2f], 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => TemperatureScaling.NegativeLogLikelihood(samples, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => TemperatureScaling.Fit(samples, minTemperature: 2, maxTemperature: 1));
    }
}
