namespace ContinualSegment.Model.Plans;

/// <summary>
/// Intensity normalisation (nnU-Net style). For <see cref="NormalizationScheme.CT"/> intensities are
/// clipped to [<see cref="ClipLower"/>, <see cref="ClipUpper"/>] (the foreground's 0.5 and 99.5
/// percentiles in the training data) and then z-scored with <see cref="Mean"/> and <see cref="Std"/>;
/// for <see cref="NormalizationScheme.ZScore"/> each image is z-scored with its own statistics.
/// </summary>
public sealed record IntensityNormalization
{
    /// <summary>Which normalisation is applied.</summary>
    public NormalizationScheme Scheme { get; init; } = NormalizationScheme.CT;

    /// <summary>The lower clip value (the training foreground's lower percentile).</summary>
    public double ClipLower { get; init; } = -1000;

    /// <summary>The upper clip value (the training foreground's upper percentile).</summary>
    public double ClipUpper { get; init; } = 1000;

    /// <summary>The percentile <see cref="ClipLower"/> was taken at.</summary>
    public double LowerPercentile { get; init; } = 0.5;

    /// <summary>The percentile <see cref="ClipUpper"/> was taken at.</summary>
    public double UpperPercentile { get; init; } = 99.5;

    /// <summary>Mean of the clipped training foreground.</summary>
    public double Mean { get; init; }

    /// <summary>Standard deviation of the clipped training foreground (positive).</summary>
    public double Std { get; init; } = 1;

    /// <summary>Normalises <paramref name="voxels"/> in place.</summary>
    public void Apply(Span<float> voxels)
    {
        if (Scheme == NormalizationScheme.CT)
        {
            var lo = (float)ClipLower;
            var hi = (float)ClipUpper;
            var mean = (float)Mean;
            var inv = (float)(1.0 / Std);
            for (var i = 0; i < voxels.Length; i++)
            {
                voxels[i] = (Math.Clamp(voxels[i], lo, hi) - mean) * inv;
            }

            return;
        }

        double sum = 0, sq = 0;
        foreach (var v in voxels)
        {
            sum += v;
            sq += (double)v * v;
        }

        var n = Math.Max(1, voxels.Length);
        var m = sum / n;
        var sd = Math.Sqrt(Math.Max(0, (sq / n) - (m * m)));
        var scale = (float)(1.0 / Math.Max(sd, 1e-8));
        for (var i = 0; i < voxels.Length; i++)
        {
            voxels[i] = (float)(voxels[i] - m) * scale;
        }
    }
}
