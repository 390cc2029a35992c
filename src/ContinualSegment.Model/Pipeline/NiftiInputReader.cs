using ContinualSegment.Dicom;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Export;
using ContinualSegment.Imaging.Resampling;

namespace ContinualSegment.Model.Pipeline;

/// <summary>
/// Reads a NIfTI CT as users have it (dcm2niix writes left-handed affines): any orthonormal affine is accepted, a
/// left-handed one by reversing the slice order, and every other problem becomes a
/// <see cref="SegmentationInputException"/> with one line saying why.
/// </summary>
internal static class NiftiInputReader
{
    /// <summary>Largest rows or columns of a CT image.</summary>
    private const int MaxInPlane = ushort.MaxValue;

    /// <summary>Reads and checks the file; the volume comes back on its own geometry.</summary>
    public static async Task<Volume<float>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        Volume<float> volume;
        try
        {
            volume = await NiftiReader.ReadFloatAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The reader throws what the header's values lead to (format, argument, overflow, I/O…): all of them
            // mean this file cannot be segmented.
            throw new SegmentationInputException($"{path} is not a readable NIfTI volume: {OneLine(ex.Message)}", ex);
        }

        if (volume.SizeX > MaxInPlane || volume.SizeY > MaxInPlane)
        {
            throw new SegmentationInputException($"{path} has {volume.SizeX}×{volume.SizeY} voxels per slice; a CT slice has at most {MaxInPlane} per side");
        }

        if (!VolumeReorientation.IsOrthonormal(volume.Geometry))
        {
            throw new SegmentationInputException($"{path} has an affine whose axes are not orthonormal (sheared, degenerate or not finite); it cannot be a CT series");
        }

        return volume;
    }

    /// <summary>The volume on a right-handed grid (slice order reversed when the input is left-handed).</summary>
    public static Volume<float> RightHanded(Volume<float> volume, out bool reversed)
    {
        var geometry = VolumeReorientation.RightHanded(volume.Geometry, volume.SizeZ, out reversed);
        return reversed
            ? VolumeReorientation.FlipSlices(volume, geometry)
            : new Volume<float>(volume.SizeX, volume.SizeY, volume.SizeZ, geometry, volume.Data);
    }

    /// <summary>Writes the right-handed volume as a CT series in <paramref name="directory"/> (which must be new or empty).</summary>
    public static async Task WriteSeriesAsync(string path, Volume<float> rightHanded, string directory, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new IOException($"{directory} already exists and is not empty; give an empty output directory");
        }

        var name = System.IO.Path.GetFileName(path);
        name = name.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase) ? name[..^7] : name[..^4];
        var metadata = new CtSeriesMetadata
        {
            PatientName = "NIfTI^Input",
            PatientId = name.Length > 64 ? name[..64] : name,
            StudyInstanceUid = DicomUid.Generate(),
            SeriesInstanceUid = DicomUid.Generate(),
            FrameOfReferenceUid = DicomUid.Generate(),
            StudyDateTime = now,
            SeriesDescription = "CT from NIfTI",
            StudyDescription = "CT",
        };
        try
        {
            await CtSeriesWriter.WriteAsync(rightHanded, metadata, directory, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw new SegmentationInputException($"{path} cannot be written as a CT series: {OneLine(ex.Message)}", ex);
        }
    }

    /// <summary>
    /// A label map computed on <paramref name="runGrid"/> (the right-handed grid) or on the series loaded from it,
    /// brought to the input's own grid: slices reversed back when they were reversed; resampled (label-aware) only
    /// when the loaded series' grid is not the one written.
    /// </summary>
    public static Volume<ushort> ToInputGrid(Volume<ushort> labels, Affine3D runGrid, Affine3D input, bool reversed)
    {
        if (labels.Geometry.Matches(runGrid, 1e-2, 1e-3))
        {
            var onRun = new Volume<ushort>(labels.SizeX, labels.SizeY, labels.SizeZ, input, labels.Data);
            return reversed ? VolumeReorientation.FlipSlices(labels, input) : onRun;
        }

        var size = new GridSize(labels.SizeX, labels.SizeY, labels.SizeZ);
        var mapping = IndexMapping.Between(input.ToMatrix4x4(), labels.Geometry.ToMatrix4x4());
        return new Volume<ushort>(labels.SizeX, labels.SizeY, labels.SizeZ, input, Resampler.LabelAware(labels.Data, size, size, mapping));
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
