namespace ContinualSegment.Model.Calibration;

/// <summary>Per class, the voxels a prediction and the truth share, and those only one of them has, summed over cases.</summary>
internal sealed class DiceCounts
{
    private readonly long[] both;
    private readonly long[] predicted;
    private readonly long[] truth;

    public DiceCounts(int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 2);
        both = new long[channels];
        predicted = new long[channels];
        truth = new long[channels];
    }

    /// <summary>Counts arg-max labels against true labels, voxel by voxel.</summary>
    public void Add(ReadOnlySpan<int> argmax, ReadOnlySpan<ushort> labels)
    {
        if (argmax.Length != labels.Length)
        {
            throw new ArgumentException($"{argmax.Length} predicted and {labels.Length} true labels");
        }

        for (var i = 0; i < argmax.Length; i++)
        {
            var p = argmax[i];
            var t = labels[i];
            if (t >= truth.Length)
            {
                throw new ArgumentException($"true label {t} outside the decoder's {truth.Length - 1} classes");
            }

            predicted[p]++;
            truth[t]++;
            if (p == t)
            {
                both[p]++;
            }
        }
    }

    /// <summary>Dice of each class (label 1 = <paramref name="classes"/>[0]) that the truth contains.</summary>
    public IReadOnlyDictionary<string, double> Dice(IReadOnlyList<string> classes)
    {
        var dice = new SortedDictionary<string, double>(StringComparer.Ordinal);
        for (var c = 1; c < truth.Length && c <= classes.Count; c++)
        {
            if (truth[c] > 0)
            {
                dice[classes[c - 1]] = 2.0 * both[c] / (predicted[c] + truth[c]);
            }
        }

        return dice;
    }
}
