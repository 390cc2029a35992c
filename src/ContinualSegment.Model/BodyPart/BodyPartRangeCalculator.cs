using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.BodyPart;

/// <summary>A decoder's body-part range from its training data: the scores of the slices that hold any foreground label.</summary>
public static class BodyPartRangeCalculator
{
    /// <summary>
    /// The range [min − margin, max + margin] over every slice whose labels contain foreground.
    /// Each case gives its per-slice scores and, per slice, whether it holds foreground.
    /// </summary>
    public static BodyPartRange Compute(IEnumerable<(IReadOnlyList<double> Scores, IReadOnlyList<bool> HasForeground)> cases, double margin)
    {
        ArgumentNullException.ThrowIfNull(cases);
        if (!double.IsFinite(margin) || margin < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "margin must be ≥ 0");
        }

        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        foreach (var (scores, fg) in cases)
        {
            if (scores.Count != fg.Count)
            {
                throw new ArgumentException($"{scores.Count} scores but {fg.Count} slice flags");
            }

            for (var z = 0; z < scores.Count; z++)
            {
                if (fg[z] && double.IsFinite(scores[z]))
                {
                    min = Math.Min(min, scores[z]);
                    max = Math.Max(max, scores[z]);
                }
            }
        }

        if (min > max)
        {
            throw new ArgumentException("no slice with foreground and a finite score", nameof(cases));
        }

        return new BodyPartRange { Min = min - margin, Max = max + margin };
    }

    /// <summary>Per-slice foreground flags of labels [D, H, W] (x fastest).</summary>
    public static bool[] SlicesWithForeground(ReadOnlySpan<ushort> labels, int depth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        if (labels.Length % depth != 0)
        {
            throw new ArgumentException($"{labels.Length} labels do not split into {depth} slices");
        }

        var slice = labels.Length / depth;
        var result = new bool[depth];
        for (var z = 0; z < depth; z++)
        {
            result[z] = labels.Slice(z * slice, slice).ContainsAnyExcept((ushort)0);
        }

        return result;
    }
}
