namespace ContinualSegment.Model.Calibration;

/// <summary>The temperature that minimises the negative log-likelihood within the search bounds.</summary>
/// <param name="Temperature">The fitted temperature T &gt; 0.</param>
/// <param name="NegativeLogLikelihood">The mean negative log-likelihood at <paramref name="Temperature"/>.</param>
/// <param name="AtBound">True when the minimum lies at (or beyond) a search bound, so the bound was returned.</param>
/// <param name="Evaluations">How many times the likelihood was evaluated.</param>
public sealed record TemperatureFit(double Temperature, double NegativeLogLikelihood, bool AtBound, int Evaluations);
