namespace ContinualSegment.Model.Trimming;

/// <summary>What one decoder costs at inference.</summary>
/// <param name="Parameters">Parameters on the inference path (auxiliary deep-supervision heads excluded).</param>
/// <param name="Flops">Floating-point operations of the convolutions for one patch (multiply and add counted separately).</param>
/// <param name="LatencyMilliseconds">Median wall time of one forward pass of the decoder alone on this machine's CPU (NaN when not measured).</param>
public sealed record DecoderCost(long Parameters, long Flops, double LatencyMilliseconds);
