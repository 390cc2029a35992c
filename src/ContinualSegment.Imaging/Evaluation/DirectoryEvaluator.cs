using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Resampling;
using ContinualSegment.Imaging.Segmentation;
using ContinualSegment.Imaging.Series;

namespace ContinualSegment.Imaging.Evaluation;

/// <summary>
/// Scores every ground-truth case in a directory against its prediction. A case is a NIfTI label map
/// (<c>CASE.nii[.gz]</c>) or one of our DICOM Segmentations: <c>CASE.dcm</c>, or a folder <c>CASE/</c> holding one (as
/// <c>cseg results write</c> leaves it). A prediction is found by the case's name, else, with a series directory, as
/// the Segmentation that references the case's series (<c>SERIES/CASE/</c>). A Segmentation is read onto its
/// referenced series' grid when the series directory holds it, else onto the other side's NIfTI grid by plane position,
/// and its segments become catalogue values (see <see cref="SegmentationLabelMap"/>). With a task, labels are
/// task-local; with a dataset's classes, NIfTI label value i + 1 is class i and only those classes are scored; with
/// neither, values are catalogue global indices. Without a task, an organ is scored with the lesions inside it.
/// </summary>
public static class DirectoryEvaluator
{
    public static async Task<EvaluationReport> EvaluateAsync(
        string predictionDirectory,
        string truthDirectory,
        StructureCatalogue catalogue,
        string? task,
        CancellationToken cancellationToken,
        IReadOnlyList<double>? tolerancesMm = null,
        string? seriesDirectory = null,
        IReadOnlyList<string>? classes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(predictionDirectory);
        ArgumentException.ThrowIfNullOrEmpty(truthDirectory);
        ArgumentNullException.ThrowIfNull(catalogue);
        if (task is not null)
        {
            _ = catalogue.ForTask(task);
        }

        ushort[]? globalOf = null;
        if (classes is not null)
        {
            if (task is not null)
            {
                throw new ArgumentException("Give a task or a dataset's classes, not both.", nameof(classes));
            }

            globalOf = GlobalIndices(classes, catalogue);
        }

        if (seriesDirectory is not null && !Directory.Exists(seriesDirectory))
        {
            throw new DirectoryNotFoundException($"series directory not found: {seriesDirectory}");
        }

        IReadOnlyList<(string Case, CaseSource Source)> truths = FindCases(truthDirectory);
        if (truths.Count == 0)
        {
            throw new FileNotFoundException($"No NIfTI label maps or Segmentations in '{truthDirectory}'.");
        }

        var series = new SeriesIndex(seriesDirectory, cancellationToken);
        SegmentationIndex? predictionSegs = null;
        IReadOnlyList<double> tol = tolerancesMm ?? SegmentationEvaluator.DefaultTolerancesMm;
        var scores = new List<StructureScore>();
        foreach ((string caseId, CaseSource truthSource) in truths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CaseSource? predSource = FindCase(predictionDirectory, caseId);
            if (predSource is null && series.ForCase(caseId) is { } caseSeries)
            {
                predictionSegs ??= new SegmentationIndex(predictionDirectory);
                predSource = predictionSegs.Referencing(caseSeries.SeriesInstanceUid);
            }

            if (predSource is null)
            {
                throw new FileNotFoundException($"No prediction for '{caseId}' in '{predictionDirectory}'.", Path.Combine(predictionDirectory, caseId));
            }

            Volume<ushort>? truth = truthSource.Nifti is { } tn ? ToGlobal(await NiftiReader.ReadLabelsAsync(tn, cancellationToken).ConfigureAwait(false), globalOf, tn) : null;
            Volume<ushort>? pred = predSource.Nifti is { } pn ? ToGlobal(await NiftiReader.ReadLabelsAsync(pn, cancellationToken).ConfigureAwait(false), globalOf, pn) : null;
            truth ??= ReadSegmentation(caseId, truthSource.Segmentation!, pred, series, catalogue, task);
            pred ??= ReadSegmentation(caseId, predSource.Segmentation!, truth, series, catalogue, task);
            if (!truth.SameGrid(pred))
            {
                throw new InvalidDataException($"'{caseId}': prediction is {pred.SizeX}×{pred.SizeY}×{pred.SizeZ}, truth {truth.SizeX}×{truth.SizeY}×{truth.SizeZ}.");
            }

            scores.AddRange(task is null
                ? SegmentationEvaluator.EvaluateMerged(caseId, truth, pred, catalogue, tol, classes)
                : SegmentationEvaluator.EvaluateTask(caseId, truth, pred, catalogue, task, tol));
        }

        return EvaluationReport.Create(tol, scores);
    }

    private static ushort[] GlobalIndices(IReadOnlyList<string> classes, StructureCatalogue catalogue)
    {
        if (classes.Count == 0)
        {
            throw new ArgumentException("The dataset names no classes.", nameof(classes));
        }

        var globalOf = new ushort[classes.Count + 1];
        for (int i = 0; i < classes.Count; i++)
        {
            globalOf[i + 1] = catalogue.TryGet(classes[i], out StructureInfo? s) && s is not null
                ? (ushort)s.GlobalIndex
                : throw new ArgumentException($"Class '{classes[i]}' is no structure of the catalogue.", nameof(classes));
        }

        return globalOf;
    }

    // A label map of a dataset's classes, its values made catalogue indices.
    private static Volume<ushort> ToGlobal(Volume<ushort> labels, ushort[]? globalOf, string path)
    {
        if (globalOf is null)
        {
            return labels;
        }

        ushort[] data = labels.Data;
        for (int i = 0; i < data.Length; i++)
        {
            ushort v = data[i];
            if (v >= globalOf.Length)
            {
                throw new InvalidDataException($"{path}: label value {v} is not one of the dataset's {globalOf.Length - 1} classes.");
            }

            data[i] = globalOf[v];
        }

        return labels;
    }

    // A Segmentation becomes a label map on its series' grid (when known), then on the other side's grid.
    private static Volume<ushort> ReadSegmentation(string caseId, string path, Volume<ushort>? other, SeriesIndex series, StructureCatalogue catalogue, string? task)
    {
        DicomDataset ds = DicomFile.Open(path).Dataset;
        SeriesHeader? reference = SegmentationReader.ReferencedSeriesUids(ds).Select(series.ByUid).FirstOrDefault(static h => h is not null);
        SegmentationContent content;
        try
        {
            if (reference is not null)
            {
                content = SegmentationReader.Read(ds, reference);
            }
            else if (other is not null)
            {
                content = SegmentationReader.Read(ds, other.SizeX, other.SizeY, other.SizeZ, other.Geometry);
            }
            else
            {
                throw new InvalidDataException($"'{caseId}': both sides are Segmentations and the series they reference is not under the series directory; give --series.");
            }
        }
        catch (DicomException e)
        {
            throw new InvalidDataException($"'{caseId}': {Path.GetFileName(path)}: {e.Message}", e);
        }

        Volume<ushort> labels = SegmentationLabelMap.Build(content, catalogue, task);
        if (other is null || reference is null || (labels.SameGrid(other) && labels.Geometry.Matches(other.Geometry)))
        {
            return labels;
        }

        // The series' grid differs from the NIfTI's: bring the labels onto the NIfTI grid, label-aware.
        IndexMapping mapping = IndexMapping.Between(other.Geometry.ToMatrix4x4(), labels.Geometry.ToMatrix4x4());
        ushort[] data = Resampler.LabelAware(labels.Data, new GridSize(labels.SizeX, labels.SizeY, labels.SizeZ), new GridSize(other.SizeX, other.SizeY, other.SizeZ), mapping);
        return new Volume<ushort>(other.SizeX, other.SizeY, other.SizeZ, other.Geometry, data);
    }

    private static List<(string Case, CaseSource Source)> FindCases(string directory)
    {
        var cases = new SortedDictionary<string, CaseSource>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(directory))
        {
            string name = Path.GetFileName(file);
            if (NiftiCaseName(name) is { } nifti)
            {
                cases[nifti] = new CaseSource(file, null);
            }
        }

        foreach (string file in Directory.EnumerateFiles(directory, "*.dcm"))
        {
            string caseId = Path.GetFileNameWithoutExtension(file);
            if (!cases.ContainsKey(caseId) && IsSegmentation(file))
            {
                cases[caseId] = new CaseSource(null, file);
            }
        }

        foreach (string folder in Directory.EnumerateDirectories(directory))
        {
            string caseId = Path.GetFileName(folder);
            if (!cases.ContainsKey(caseId) && SegmentationIn(folder) is { } seg)
            {
                cases[caseId] = new CaseSource(null, seg);
            }
        }

        return [.. cases.Select(static kv => (kv.Key, kv.Value))];
    }

    private static CaseSource? FindCase(string directory, string caseId)
    {
        foreach (string ext in new[] { ".nii.gz", ".nii" })
        {
            string nifti = Path.Combine(directory, caseId + ext);
            if (File.Exists(nifti))
            {
                return new CaseSource(nifti, null);
            }
        }

        string file = Path.Combine(directory, caseId + ".dcm");
        if (File.Exists(file) && IsSegmentation(file))
        {
            return new CaseSource(null, file);
        }

        string folder = Path.Combine(directory, caseId);
        return Directory.Exists(folder) && SegmentationIn(folder) is { } seg ? new CaseSource(null, seg) : null;
    }

    private static string? NiftiCaseName(string fileName) =>
        fileName.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase) ? fileName[..^7]
        : fileName.EndsWith(".nii", StringComparison.OrdinalIgnoreCase) ? fileName[..^4]
        : null;

    // The folder's Segmentation: seg.dcm when it is one, else the only Segmentation among its *.dcm files.
    private static string? SegmentationIn(string folder)
    {
        string conventional = Path.Combine(folder, "seg.dcm");
        if (File.Exists(conventional) && IsSegmentation(conventional))
        {
            return conventional;
        }

        string[] found = [.. Directory.EnumerateFiles(folder, "*.dcm").Order(StringComparer.Ordinal).Where(IsSegmentation)];
        return found.Length switch
        {
            0 => null,
            1 => found[0],
            _ => throw new InvalidDataException($"'{folder}' holds {found.Length} Segmentations; keep one per case."),
        };
    }

    private static bool IsSegmentation(string path) => SopClassOf(path) == SegmentationWriter.SegmentationStorage;

    private static string? SopClassOf(string path)
    {
        try
        {
            return DicomFile.Open(path, new DicomReadOptions { StopBeforeTag = DicomTags.StudyDate }).Dataset.GetStringOrDefault(DicomTags.SOPClassUID);
        }
        catch (Exception e) when (e is DicomException or EndOfStreamException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Where one side of a case comes from: a NIfTI label map or a Segmentation file.</summary>
    private sealed record CaseSource(string? Nifti, string? Segmentation);

    /// <summary>The Segmentations of a prediction directory (top level and one folder down) by referenced series.</summary>
    private sealed class SegmentationIndex
    {
        private readonly Dictionary<string, string> bySeries = new(StringComparer.Ordinal);

        public SegmentationIndex(string directory)
        {
            IEnumerable<string> files = Directory.EnumerateFiles(directory, "*.dcm")
                .Concat(Directory.EnumerateDirectories(directory).SelectMany(static d => Directory.EnumerateFiles(d, "*.dcm")))
                .Order(StringComparer.Ordinal);
            foreach (string file in files)
            {
                DicomDataset? ds = null;
                try
                {
                    ds = DicomFile.Open(file, new DicomReadOptions { StopBeforeTag = DicomTags.PixelData }).Dataset;
                }
                catch (Exception e) when (e is DicomException or EndOfStreamException or InvalidDataException)
                {
                    ds = null;
                }

                if (ds is null || ds.GetStringOrDefault(DicomTags.SOPClassUID) != SegmentationWriter.SegmentationStorage)
                {
                    continue;
                }

                foreach (string uid in SegmentationReader.ReferencedSeriesUids(ds))
                {
                    if (!bySeries.TryAdd(uid, file))
                    {
                        throw new InvalidDataException($"Segmentations '{bySeries[uid]}' and '{file}' reference the same series {uid}.");
                    }
                }
            }
        }

        public CaseSource? Referencing(string seriesInstanceUid) =>
            bySeries.TryGetValue(seriesInstanceUid, out string? file) ? new CaseSource(null, file) : null;
    }

    /// <summary>
    /// The series under a directory: each sub-folder is a case's series (named like the case), or the directory is
    /// one series itself. Loaded on first use (headers only).
    /// </summary>
    private sealed class SeriesIndex(string? directory, CancellationToken cancellationToken)
    {
        private Dictionary<string, SeriesHeader>? byCase;
        private Dictionary<string, SeriesHeader>? byUid;

        public SeriesHeader? ForCase(string caseId)
        {
            Load();
            return byCase!.GetValueOrDefault(caseId);
        }

        public SeriesHeader? ByUid(string seriesInstanceUid)
        {
            Load();
            return byUid!.GetValueOrDefault(seriesInstanceUid);
        }

        private void Load()
        {
            if (byCase is not null)
            {
                return;
            }

            byCase = new Dictionary<string, SeriesHeader>(StringComparer.Ordinal);
            byUid = new Dictionary<string, SeriesHeader>(StringComparer.Ordinal);
            if (directory is null)
            {
                return;
            }

            IEnumerable<string> folders = Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal);
            if (Directory.EnumerateFiles(directory).Any())
            {
                folders = folders.Prepend(directory);
            }

            foreach (string folder in folders)
            {
                IReadOnlyList<SeriesHeader> headers;
                try
                {
                    headers = SeriesLoader.LoadHeadersFromDirectory(folder, null, cancellationToken);
                }
                catch (SeriesLoadException)
                {
                    continue;
                }

                foreach (SeriesHeader h in headers)
                {
                    byUid.TryAdd(h.SeriesInstanceUid, h);
                }

                if (headers.Count == 1)
                {
                    byCase.TryAdd(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)), headers[0]);
                }
            }
        }
    }
}
