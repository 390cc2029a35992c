namespace ContinualSegment.Imaging.Evaluation;

/// <summary>Per-structure scores and their per-task means.</summary>
public sealed record EvaluationReport(IReadOnlyList<double> TolerancesMm, IReadOnlyList<StructureScore> Scores, IReadOnlyList<TaskSummary> Tasks)
{
    public static EvaluationReport Create(IReadOnlyList<double> tolerancesMm, IReadOnlyList<StructureScore> scores)
    {
        ArgumentNullException.ThrowIfNull(tolerancesMm);
        ArgumentNullException.ThrowIfNull(scores);
        var tasks = new List<TaskSummary>();
        foreach (IGrouping<string, StructureScore> g in scores.GroupBy(s => s.Task, StringComparer.Ordinal))
        {
            double[] hd = g.Select(s => s.Scores.Hd95Mm).Where(double.IsFinite).ToArray();
            double[] nsd = new double[tolerancesMm.Count];
            for (int t = 0; t < nsd.Length; t++)
            {
                nsd[t] = g.Average(s => s.Scores.SurfaceDice[t]);
            }

            tasks.Add(new TaskSummary(g.Key, g.Count(), g.Average(s => s.Scores.Dice), hd.Length == 0 ? double.NaN : hd.Average(), nsd));
        }

        return new EvaluationReport(tolerancesMm, scores, tasks);
    }
}
