using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.Inference;

/// <summary>
/// Compares a decoder's body-part score range with the per-slice scores of a scan: a decoder is
/// trusted on the slices whose score lies within its range (widened by a margin) and skipped when
/// there are none. A slice without a score (NaN) is trusted.
/// </summary>
public static class BodyPartGate
{
    /// <summary>The decision for <paramref name="decoder"/> on a scan with <paramref name="sliceScores"/> (one per z).</summary>
    public static BodyPartGateDecision Evaluate(DecoderPlan decoder, IReadOnlyList<double> sliceScores, double margin = 0)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(sliceScores);
        if (!double.IsFinite(margin) || margin < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "margin must be ≥ 0");
        }

        var range = decoder.BodyPartRange;
        var valid = new bool[sliceScores.Count];
        for (var z = 0; z < valid.Length; z++)
        {
            var s = sliceScores[z];
            valid[z] = double.IsNaN(s) || (s >= range.Min - margin && s <= range.Max + margin);
        }

        return new BodyPartGateDecision(decoder.Id, !valid.Contains(true), valid);
    }

    /// <summary>Decisions for every decoder of <paramref name="decoders"/>.</summary>
    public static IReadOnlyList<BodyPartGateDecision> Evaluate(IEnumerable<DecoderPlan> decoders, IReadOnlyList<double> sliceScores, double margin = 0)
    {
        ArgumentNullException.ThrowIfNull(decoders);
        return decoders.Select(d => Evaluate(d, sliceScores, margin)).ToArray();
    }
}
