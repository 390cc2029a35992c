using ContinualSegment.Model.Plans;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Inference;

/// <summary>Runs sliding-window inference for the decoders whose body-part range overlaps the scan.</summary>
public static class GatedInference
{
    /// <summary>
    /// Gates the enabled decoders of <paramref name="plan"/> with <paramref name="sliceScores"/> (one per z
    /// slice of <paramref name="image"/>; null = no gating) and runs the predictor for the ones not skipped.
    /// </summary>
    public static GatedPrediction Predict(
        SlidingWindowPredictor predictor,
        ModelPlan plan,
        IReadOnlyCollection<string> enabledDecoderIds,
        Tensor image,
        IReadOnlyList<double>? sliceScores,
        double margin = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(enabledDecoderIds);
        ArgumentNullException.ThrowIfNull(image);
        var depth = (int)image.shape[^3];
        var scores = sliceScores ?? Enumerable.Repeat(double.NaN, depth).ToArray();
        if (scores.Count != depth)
        {
            throw new ArgumentException($"{scores.Count} slice scores for {depth} slices", nameof(sliceScores));
        }

        var decoders = enabledDecoderIds
            .Select(id => plan.FindDecoder(id) ?? throw new ArgumentException($"the plan has no decoder '{id}'", nameof(enabledDecoderIds)))
            .ToArray();
        var decisions = BodyPartGate.Evaluate(decoders, scores, margin);
        var run = decisions.Where(d => !d.Skip).Select(d => d.DecoderId).ToArray();
        var prediction = predictor.Predict(image, run, cancellationToken);
        return new GatedPrediction(prediction, decisions, decoders);
    }
}
