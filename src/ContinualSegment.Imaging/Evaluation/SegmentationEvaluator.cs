namespace ContinualSegment.Imaging.Evaluation;

/// <summary>Scores a predicted label map against ground truth, structure by structure.</summary>
public static class SegmentationEvaluator
{
    /// <summary>Default NSD tolerances (mm).</summary>
    public static IReadOnlyList<double> DefaultTolerancesMm { get; } = [1.0, 2.0];

    /// <summary>Scores the given (structure, label value) pairs. Labels absent from both maps score Dice 1.</summary>
    public static IReadOnlyList<StructureScore> Evaluate(
        string caseId,
        Volume<ushort> truth,
        Volume<ushort> prediction,
        IEnumerable<(StructureInfo Structure, int Label)> structures,
        IReadOnlyList<double>? tolerancesMm = null)
    {
        ArgumentNullException.ThrowIfNull(structures);
        return Evaluate(caseId, truth, prediction, structures.Select(static s => (s.Structure, s.Label, (IReadOnlyList<int>)[])), tolerancesMm);
    }

    /// <summary>
    /// Scores the given structures, each being the voxels of its label value and of its further values (an organ with the
    /// lesions inside it) in both maps. A structure absent from both maps scores Dice 1.
    /// </summary>
    public static IReadOnlyList<StructureScore> Evaluate(
        string caseId,
        Volume<ushort> truth,
        Volume<ushort> prediction,
        IEnumerable<(StructureInfo Structure, int Label, IReadOnlyList<int> AlsoLabels)> structures,
        IReadOnlyList<double>? tolerancesMm = null)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(structures);
        if (!truth.SameGrid(prediction))
        {
            throw new ArgumentException("Prediction and truth are on different grids.", nameof(prediction));
        }

        IReadOnlyList<double> tol = tolerancesMm ?? DefaultTolerancesMm;
        LabelMapStatistics st = LabelMapStatistics.Compute(truth);
        LabelMapStatistics sp = LabelMapStatistics.Compute(prediction);
        var result = new List<StructureScore>();
        foreach ((StructureInfo s, int label, IReadOnlyList<int> also) in structures)
        {
            int[] values = [label, .. also];
            BoundingBox3? box = null;
            foreach (int v in values)
            {
                foreach (BoundingBox3? b in new[] { st.BoundingBox(v), sp.BoundingBox(v) })
                {
                    if (b is { } found)
                    {
                        box = box is { } sofar ? sofar.Union(found) : found;
                    }
                }
            }

            MaskScores scores;
            if (box is null)
            {
                scores = SegmentationMetrics.Compute([], [], 0, 0, 0, truth.Spacing, tol);
            }
            else
            {
                BoundingBox3 grown = box.Value.Grow(1, truth.SizeX, truth.SizeY, truth.SizeZ);
                bool[] mt = Mask(truth, grown, values), mp = Mask(prediction, grown, values);
                scores = SegmentationMetrics.Compute(mt, mp, grown.SizeX, grown.SizeY, grown.SizeZ, truth.Spacing, tol);
            }

            result.Add(new StructureScore(caseId, s.Task, label, s.Name, scores));
        }

        return result;
    }

    /// <summary>Scores every structure of a task in task-local label maps.</summary>
    public static IReadOnlyList<StructureScore> EvaluateTask(
        string caseId, Volume<ushort> truth, Volume<ushort> prediction, StructureCatalogue catalogue, string task, IReadOnlyList<double>? tolerancesMm = null)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        return Evaluate(caseId, truth, prediction, catalogue.ForTask(task).Select(s => (s, s.TaskLabel)), tolerancesMm);
    }

    /// <summary>
    /// Scores every structure of the catalogue (or only <paramref name="only"/>) in merged label maps (value = global
    /// index). An organ that hosts lesions is scored as the organ with its lesions (organ ∪ lesion) on both sides, as a
    /// merged label map draws the lesion over its organ.
    /// </summary>
    public static IReadOnlyList<StructureScore> EvaluateMerged(
        string caseId, Volume<ushort> truth, Volume<ushort> prediction, StructureCatalogue catalogue, IReadOnlyList<double>? tolerancesMm = null, IReadOnlyCollection<string>? only = null)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        var lesionsIn = catalogue.Structures.Where(static s => s.IsLesion)
            .SelectMany(l => l.Hosts.Select(h => (Host: h, l.GlobalIndex)))
            .ToLookup(static p => p.Host, static p => p.GlobalIndex, StringComparer.Ordinal);
        var structures = catalogue.Structures
            .Where(s => only is null || only.Contains(s.Name))
            .Select(s => (s, s.GlobalIndex, (IReadOnlyList<int>)[.. lesionsIn[s.Name]]));
        return Evaluate(caseId, truth, prediction, structures, tolerancesMm);
    }

    private static bool[] Mask(Volume<ushort> v, BoundingBox3 b, int[] labels)
    {
        int label = labels[0];
        bool[] m = new bool[b.SizeX * b.SizeY * b.SizeZ];
        int i = 0;
        for (int z = b.MinZ; z <= b.MaxZ; z++)
        {
            for (int y = b.MinY; y <= b.MaxY; y++)
            {
                int row = v.Index(b.MinX, y, z);
                for (int x = 0; x < b.SizeX; x++, i++)
                {
                    ushort value = v.Data[row + x];
                    m[i] = value == label || (labels.Length > 1 && Array.IndexOf(labels, value, 1) > 0);
                }
            }
        }

        return m;
    }
}
