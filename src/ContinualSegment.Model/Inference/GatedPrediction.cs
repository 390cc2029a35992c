using ContinualSegment.Model.Merging;
using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Inference;

/// <summary>A sliding-window prediction of the decoders that the body-part gate let through.</summary>
public sealed class GatedPrediction : IDisposable
{
    private readonly IReadOnlyList<DecoderPlan> decoders;

    internal GatedPrediction(SlidingWindowPrediction prediction, IReadOnlyList<BodyPartGateDecision> decisions, IReadOnlyList<DecoderPlan> decoders)
    {
        Prediction = prediction;
        Decisions = decisions;
        this.decoders = decoders;
    }

    /// <summary>Probabilities of the decoders that ran.</summary>
    public SlidingWindowPrediction Prediction { get; }

    /// <summary>The gate's decision for every enabled decoder, skipped ones included.</summary>
    public IReadOnlyList<BodyPartGateDecision> Decisions { get; }

    /// <summary>The inputs for <see cref="PredictionMerger"/>: every decoder that ran, with its temperature and valid slices.</summary>
    public IReadOnlyList<DecoderProbabilities> ToMergeInputs()
        => decoders
            .Where(d => Prediction.Probabilities.ContainsKey(d.Id))
            .Select(d => new DecoderProbabilities(
                d.Id,
                d.Classes,
                Prediction.Probabilities[d.Id],
                d.Temperature,
                TemperatureApplied: false,
                ValidSlices: Decisions.First(x => string.Equals(x.DecoderId, d.Id, StringComparison.Ordinal)).ValidSlices))
            .ToArray();

    /// <inheritdoc/>
    public void Dispose() => Prediction.Dispose();
}
