namespace ContinualSegment.Model.Calibration;

/// <summary>How well a decoder's probabilities at one temperature fit the truth (weighted over the samples).</summary>
/// <param name="NegativeLogLikelihood">Mean negative log-likelihood of the true class (nats per voxel).</param>
/// <param name="ExpectedCalibrationError">
/// Expected calibration error: the arg-max confidences in equal-width bins over [0, 1], Σ_b (n_b / n)·|accuracy_b − confidence_b|.
/// </param>
/// <param name="Accuracy">Share of voxels whose arg-max class is the true one (the same at every temperature).</param>
/// <param name="MeanConfidence">Mean arg-max probability.</param>
public sealed record CalibrationScore(double NegativeLogLikelihood, double ExpectedCalibrationError, double Accuracy, double MeanConfidence);
