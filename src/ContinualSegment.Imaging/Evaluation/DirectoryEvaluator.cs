namespace ContinualSegment.Imaging.Evaluation;

/// <summary>
/// Scores every ground-truth label map in a directory (*.nii or *.nii.gz) against the prediction with the
/// same file name. With a task, labels are task-local; without one, values are catalogue global indices.
/// </summary>
public static class DirectoryEvaluator
{
    public static async Task<EvaluationReport> EvaluateAsync(
        string predictionDirectory,
        string truthDirectory,
        StructureCatalogue catalogue,
        string? task,
        CancellationToken cancellationToken,
        IReadOnlyList<double>? tolerancesMm = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(predictionDirectory);
        ArgumentException.ThrowIfNullOrEmpty(truthDirectory);
        ArgumentNullException.ThrowIfNull(catalogue);
        if (task is not null)
        {
            _ = catalogue.ForTask(task);
        }

        string[] truths = Directory.GetFiles(truthDirectory)
            .Where(f => f.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".nii", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (truths.Length == 0)
        {
            throw new FileNotFoundException($"No NIfTI label maps in '{truthDirectory}'.");
        }

        IReadOnlyList<double> tol = tolerancesMm ?? SegmentationEvaluator.DefaultTolerancesMm;
        var scores = new List<StructureScore>();
        foreach (string truthPath in truths)
        {
            string name = Path.GetFileName(truthPath);
            string predPath = Path.Combine(predictionDirectory, name);
            if (!File.Exists(predPath))
            {
                throw new FileNotFoundException($"No prediction for '{name}' in '{predictionDirectory}'.", predPath);
            }

            Volume<ushort> truth = await NiftiReader.ReadLabelsAsync(truthPath, cancellationToken).ConfigureAwait(false);
            Volume<ushort> pred = await NiftiReader.ReadLabelsAsync(predPath, cancellationToken).ConfigureAwait(false);
            if (!truth.SameGrid(pred))
            {
                throw new InvalidDataException($"'{name}': prediction is {pred.SizeX}×{pred.SizeY}×{pred.SizeZ}, truth {truth.SizeX}×{truth.SizeY}×{truth.SizeZ}.");
            }

            string caseId = name.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase) ? name[..^7] : name[..^4];
            scores.AddRange(task is null
                ? SegmentationEvaluator.EvaluateMerged(caseId, truth, pred, catalogue, tol)
                : SegmentationEvaluator.EvaluateTask(caseId, truth, pred, catalogue, task, tol));
        }

        return EvaluationReport.Create(tol, scores);
    }
}
