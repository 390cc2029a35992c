namespace ContinualSegment.Model.Trimming;

/// <summary>Which cost the search's fitness penalises (as a ratio to the full decoder's cost).</summary>
public enum CostPenalty
{
    /// <summary>Inference-path parameter count (deterministic).</summary>
    Parameters,

    /// <summary>Analytic convolution FLOPs for one patch (deterministic).</summary>
    Flops,

    /// <summary>Measured CPU latency; noisy, so a search penalising it is not reproducible run to run.</summary>
    Latency,
}
