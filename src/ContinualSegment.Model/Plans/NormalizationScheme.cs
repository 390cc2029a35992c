namespace ContinualSegment.Model.Plans;

/// <summary>Intensity normalisation schemes.</summary>
public enum NormalizationScheme
{
    /// <summary>Clip to dataset percentiles, then z-score with dataset statistics.</summary>
    CT,

    /// <summary>Z-score each image with its own mean and standard deviation.</summary>
    ZScore,
}
