using ContinualSegment.Imaging.Series;

namespace ContinualSegment.Model.Pipeline;

/// <summary>The CT a <see cref="SegmentationUseCase"/> segments: a series directory, a NIfTI file or a loaded series.</summary>
public sealed class SegmentationInput
{
    private SegmentationInput(SegmentationInputKind kind, string? path, LoadedSeries? series)
    {
        Kind = kind;
        Path = path;
        Series = series;
    }

    /// <summary>What the input is.</summary>
    public SegmentationInputKind Kind { get; }

    /// <summary>The directory or file (full path); for a loaded series the directory it was loaded from, or null.</summary>
    public string? Path { get; }

    /// <summary>The loaded series; null unless <see cref="Kind"/> is <see cref="SegmentationInputKind.LoadedSeries"/>.</summary>
    public LoadedSeries? Series { get; }

    /// <summary>
    /// A directory (a DICOM series) or a file named *.nii / *.nii.gz.
    /// </summary>
    /// <exception cref="SegmentationInputException">The path does not exist, or is a file of another kind.</exception>
    public static SegmentationInput FromPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return new SegmentationInput(SegmentationInputKind.SeriesDirectory, full, null);
        }

        if (!File.Exists(full))
        {
            throw new SegmentationInputException($"input not found: {full}");
        }

        if (!IsNiftiName(full))
        {
            throw new SegmentationInputException($"{full} is neither a DICOM series directory nor a NIfTI file (.nii, .nii.gz)");
        }

        return new SegmentationInput(SegmentationInputKind.NiftiFile, full, null);
    }

    /// <summary>A CT series the caller has loaded.</summary>
    public static SegmentationInput FromSeries(LoadedSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return new SegmentationInput(SegmentationInputKind.LoadedSeries, null, series);
    }

    /// <summary>
    /// Loads the one CT series of <paramref name="directory"/> now, for a run later (a node loads a series while it waits
    /// for the series to complete). The input is a loaded series that remembers its directory.
    /// </summary>
    /// <exception cref="SegmentationInputException">The directory does not exist, or holds no CT series or several series.</exception>
    /// <exception cref="SeriesLoadException">The series cannot be made a volume.</exception>
    public static SegmentationInput LoadSeries(string directory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var full = System.IO.Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw new SegmentationInputException($"input not found: {full}");
        }

        return new SegmentationInput(SegmentationInputKind.LoadedSeries, full, SeriesInput.Load(full, cancellationToken));
    }

    /// <summary>Whether a file name ends in .nii or .nii.gz (any case).</summary>
    public static bool IsNiftiName(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.EndsWith(".nii", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase);
    }
}
