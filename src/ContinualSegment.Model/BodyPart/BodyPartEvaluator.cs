using ContinualSegment.Imaging;
using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Inference;
using ContinualSegment.Model.Plans;

namespace ContinualSegment.Model.BodyPart;

/// <summary>
/// Scores held-out scans with a model's body-part regressor: Spearman's ρ of score against world z (pooled and
/// per scan) and, per scan, the slices on which the gate trusts each decoder, exactly as the pipeline gates
/// (volumes resampled along z to the regressor's slice spacing, scores smoothed and made monotonic).
/// </summary>
public static class BodyPartEvaluator
{
    /// <summary>Evaluates <paramref name="regressor"/> on the cases of <paramref name="datasets"/>.</summary>
    /// <param name="regressor">The trained regressor.</param>
    /// <param name="plan">The model's plan (its body-part section and the decoders' ranges).</param>
    /// <param name="datasets">Held-out datasets, each with a name for the report.</param>
    /// <param name="margin">The gate's margin (the pipeline's <c>BodyPartMargin</c>).</param>
    /// <param name="cancellationToken">Cancels between scans.</param>
    public static async Task<BodyPartEvaluation> EvaluateAsync(
        BodyPartRegressor regressor,
        ModelPlan plan,
        IReadOnlyList<(string Name, NnUnetDataset Dataset)> datasets,
        double margin,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(regressor);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(datasets);
        var section = plan.BodyPart ?? throw new ArgumentException("the plan has no body-part regressor", nameof(plan));
        var pooledScores = new List<double>();
        var pooledZ = new List<double>();
        var scans = new List<BodyPartScanEvaluation>();
        foreach (var (name, dataset) in datasets)
        {
            foreach (var c in dataset.Cases)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var volume = await NiftiReader.ReadFloatAsync(c.ImagePaths[0], cancellationToken).ConfigureAwait(false);
                using var slices = BodyPartVolumes.Prepare(volume, section.SliceSpacingMm, BodyPartSliceFormat.Of(section));
                var raw = BodyPartScorer.Score(regressor, slices);
                var step = section.SliceSpacingMm / volume.Spacing.Z;
                var z = Enumerable.Range(0, raw.Length).Select(k => volume.IndexToWorld(0, 0, k * step).Z).ToArray();
                pooledScores.AddRange(raw);
                pooledZ.AddRange(z);
                var gated = BodyPartScorer.Monotonic(raw);
                var decoders = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var decision in BodyPartGate.Evaluate(plan.Decoders, gated, margin))
                {
                    decoders[decision.DecoderId] = decision.Skip ? 0 : decision.ValidSlices.Count(v => v) / (double)decision.ValidSlices.Count;
                }

                scans.Add(new BodyPartScanEvaluation(name, c.Id, raw.Length, gated.Min(), gated.Max(), raw.Length > 1 ? Spearman(raw, z) : double.NaN, decoders));
            }
        }

        if (scans.Count == 0)
        {
            throw new ArgumentException("the datasets hold no case", nameof(datasets));
        }

        var perScan = scans.Select(s => s.Spearman).Where(double.IsFinite).ToArray();
        return new BodyPartEvaluation(Spearman(pooledScores, pooledZ), perScan.Length == 0 ? double.NaN : perScan.Average(), scans);
    }

    /// <summary>Spearman's rank correlation (ties share their mean rank); NaN when either side is constant.</summary>
    public static double Spearman(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"{a.Count} values against {b.Count}");
        }

        var ra = Ranks(a);
        var rb = Ranks(b);
        var ma = ra.Average();
        var mb = rb.Average();
        double sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < ra.Length; i++)
        {
            var da = ra[i] - ma;
            var db = rb[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }

        return saa == 0 || sbb == 0 ? double.NaN : sab / Math.Sqrt(saa * sbb);
    }

    private static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        var k = 0;
        while (k < order.Length)
        {
            var end = k;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[k]])
            {
                end++;
            }

            var rank = (k + end) / 2.0;
            for (var j = k; j <= end; j++)
            {
                ranks[order[j]] = rank;
            }

            k = end + 1;
        }

        return ranks;
    }
}
