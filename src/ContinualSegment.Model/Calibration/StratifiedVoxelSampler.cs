namespace ContinualSegment.Model.Calibration;

/// <summary>
/// A deterministic, class-stratified sample of a label volume's voxels: the budget is shared equally among the classes
/// present (a class with fewer voxels than its share gives all of them and the rest goes to the others), voxels are
/// drawn uniformly without replacement inside each class (selection sampling, one pass, in voxel order), and each
/// drawn voxel is weighted by the number of its class's voxels it stands for. Weighted sums over the sample are
/// therefore unbiased estimates of the sums over every voxel, while small structures still get samples.
/// </summary>
internal static class StratifiedVoxelSampler
{
    /// <summary>Samples at most <paramref name="budget"/> voxels of <paramref name="labels"/>; every voxel when there are no more.</summary>
    /// <param name="labels">Class per voxel (values below <paramref name="classCount"/>).</param>
    /// <param name="classCount">Classes, background included.</param>
    /// <param name="budget">Voxels wanted; at least <paramref name="classCount"/> so that every present class gets one.</param>
    /// <param name="random">The draws (seeded by the caller).</param>
    /// <returns>The chosen voxel indexes in increasing order and their weights.</returns>
    public static (int[] Indexes, double[] Weights) Sample(ReadOnlySpan<ushort> labels, int classCount, int budget, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, classCount);
        var counts = new long[classCount];
        foreach (var l in labels)
        {
            if (l >= classCount)
            {
                throw new ArgumentException($"label {l} is not below the class count {classCount}", nameof(labels));
            }

            counts[l]++;
        }

        var take = Allocate(counts, budget);
        var chosen = new List<int>((int)Math.Min(labels.Length, budget));
        var weights = new List<double>(chosen.Capacity);
        var seen = new long[classCount];
        var picked = new long[classCount];
        for (var i = 0; i < labels.Length; i++)
        {
            var c = labels[i];
            var needed = take[c] - picked[c];
            var left = counts[c] - seen[c];
            seen[c]++;

            // Knuth's algorithm S: choose this voxel with probability needed / left.
            if (needed > 0 && (needed == left || random.NextDouble() * left < needed))
            {
                picked[c]++;
                chosen.Add(i);
                weights.Add((double)counts[c] / take[c]);
            }
        }

        return ([.. chosen], [.. weights]);
    }

    // Equal shares of the budget among the present classes, smallest classes first so that what they cannot use goes on.
    private static long[] Allocate(long[] counts, int budget)
    {
        var take = new long[counts.Length];
        var present = Enumerable.Range(0, counts.Length).Where(c => counts[c] > 0).OrderBy(c => counts[c]).ThenBy(c => c).ToArray();
        long remaining = budget;
        for (var i = 0; i < present.Length; i++)
        {
            var c = present[i];
            var share = remaining / (present.Length - i);
            take[c] = Math.Min(counts[c], share);
            remaining -= take[c];
        }

        return take;
    }
}
