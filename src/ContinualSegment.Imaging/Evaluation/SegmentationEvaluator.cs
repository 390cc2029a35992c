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
        foreach ((StructureInfo s, int label) in structures)
        {
            BoundingBox3? bt = st.BoundingBox(label), bp = sp.BoundingBox(label);
            MaskScores scores;
            if (bt is null && bp is null)
            {
                scores = SegmentationMetrics.Compute([], [], 0, 0, 0, truth.Spacing, tol);
            }
            else
            {
                BoundingBox3 box = (bt ?? bp!.Value).Union(bp ?? bt!.Value).Grow(1, truth.SizeX, truth.SizeY, truth.SizeZ);
                bool[] mt = Mask(truth, box, label), mp = Mask(prediction, box, label);
                scores = SegmentationMetrics.Compute(mt, mp, box.SizeX, box.SizeY, box.SizeZ, truth.Spacing, tol);
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

    /// <summary>Scores every structure of the catalogue in merged label maps (value = global index).</summary>
    public static IReadOnlyList<StructureScore> EvaluateMerged(
        string caseId, Volume<ushort> truth, Volume<ushort> prediction, StructureCatalogue catalogue, IReadOnlyList<double>? tolerancesMm = null)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        return Evaluate(caseId, truth, prediction, catalogue.Structures.Select(s => (s, s.GlobalIndex)), tolerancesMm);
    }

    private static bool[] Mask(Volume<ushort> v, BoundingBox3 b, int label)
    {
        bool[] m = new bool[b.SizeX * b.SizeY * b.SizeZ];
        int i = 0;
        for (int z = b.MinZ; z <= b.MaxZ; z++)
        {
            for (int y = b.MinY; y <= b.MaxY; y++)
            {
                int row = v.Index(b.MinX, y, z);
                for (int x = 0; x < b.SizeX; x++, i++)
                {
                    m[i] = v.Data[row + x] == label;
                }
            }
        }

        return m;
    }
}
