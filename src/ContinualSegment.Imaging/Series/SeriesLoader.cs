using System.Diagnostics;
using System.Globalization;
using ContinualSegment.Dicom;
using ContinualSegment.Dicom.Codecs;
using Microsoft.Extensions.Logging;

namespace ContinualSegment.Imaging.Series;

/// <summary>
/// Turns DICOM image files into volumes: headers are read first (pixel data skipped), images are grouped by
/// Series Instance UID, Frame of Reference, orientation, matrix size and pixel spacing into stacks, sorted along the slice normal
/// (row × column direction), checked for duplicates, gaps, uneven spacing and gantry tilt, and only then is pixel data
/// decoded (through the codecs of <see cref="PixelDataDecoder"/>) and rescaled to modality values.
/// Enhanced (multi-frame) images contribute one slice per frame from their functional groups.
/// </summary>
public static class SeriesLoader
{
    /// <summary>All regular files under <paramref name="directory"/> (recursively), sorted by path.</summary>
    public static IReadOnlyList<string> FindFiles(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new SeriesLoadException($"Directory '{directory}' does not exist.");
        }

        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>Loads the series found in a directory (see <see cref="Load"/>).</summary>
    public static IReadOnlyList<LoadedSeries> LoadDirectory(string directory, SeriesLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        Load(FindFiles(directory), options, cancellationToken);

    /// <summary>Reads geometry and identity only (no pixel data) of the stacks in a directory.</summary>
    public static IReadOnlyList<SeriesHeader> LoadHeadersFromDirectory(string directory, SeriesLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        LoadHeaders(FindFiles(directory), options, cancellationToken);

    /// <summary>Reads geometry and identity only (no pixel data) of the stacks in the given files.</summary>
    /// <exception cref="SeriesLoadException">No usable stack, or a stack breaks a geometry policy.</exception>
    public static IReadOnlyList<SeriesHeader> LoadHeaders(IEnumerable<string> files, SeriesLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        [.. Plan(files, options, cancellationToken).Select(static p => p.Header)];

    /// <summary>Loads the stacks in the given files as volumes of rescaled values (HU for CT).</summary>
    /// <exception cref="SeriesLoadException">No usable stack, a stack breaks a geometry policy, or pixel data cannot be decoded.</exception>
    public static IReadOnlyList<LoadedSeries> Load(IEnumerable<string> files, SeriesLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= SeriesLoadOptions.Default;
        var result = new List<LoadedSeries>();
        ILogger logger = Logger(options);
        foreach (StackPlan plan in Plan(files, options, cancellationToken))
        {
            long started = Stopwatch.GetTimestamp();
            result.Add(new LoadedSeries(plan.Header, ReadPixels(plan, options, cancellationToken)));
            double elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.SeriesLoaded(logger, plan.Header.SeriesInstanceUid, plan.Header.SizeX, plan.Header.SizeY, plan.Header.SizeZ, plan.Resample, elapsedMs);
        }

        return result;
    }

    // ---------------------------------------------------------------- headers and grouping

    private static List<StackPlan> Plan(IEnumerable<string> files, SeriesLoadOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        options ??= SeriesLoadOptions.Default;
        options.Validate();
        var issues = new List<string>();
        var slices = new List<SliceHeader>();
        int order = 0;
        int count = 0;
        foreach (string path in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (++count > options.MaxFiles)
            {
                throw new SeriesLoadException($"More than {options.MaxFiles} files given.");
            }

            ReadHeader(path, slices, issues, ref order);
        }

        if (slices.Count == 0)
        {
            throw new SeriesLoadException(issues.Count == 0
                ? "No files given."
                : "No image with position and orientation found: " + string.Join("; ", issues.Take(5)));
        }

        var groups = slices
            .GroupBy(static s => new StackKey(s.SeriesInstanceUid, s.FrameOfReferenceUid, s.Rows, s.Columns, Round(s.RowDirection), Round(s.ColumnDirection), Round(new Vec3(s.SpacingX, s.SpacingY, 0))))
            .Select(static g => g.ToList())
            .OrderByDescending(static g => g.Count)
            .ThenBy(static g => g[0].Order)
            .ToList();
        if (options.Stacks == StackSelection.Largest && groups.Count > 1)
        {
            issues.Add($"{groups.Count} image stacks found; the largest ({groups[0].Count} images, series {groups[0][0].SeriesInstanceUid}) was loaded.");
            groups.RemoveRange(1, groups.Count - 1);
        }

        List<StackPlan> plans = [.. groups.Select(g => BuildPlan(g, options, [.. issues]))];
        ILogger logger = Logger(options);
        Log.HeadersRead(logger, count, slices.Count, plans.Count);
        foreach (StackPlan plan in plans)
        {
            foreach (string issue in plan.Header.Issues)
            {
                Log.LoadDecision(logger, plan.Header.SeriesInstanceUid, issue);
            }
        }

        return plans;
    }

    private static ILogger Logger(SeriesLoadOptions options) => options.LoggerFactory.CreateLogger(typeof(SeriesLoader).FullName!);

    private static (long, long, long) Round(Vec3 v) =>
        ((long)Math.Round(v.X * 1e4), (long)Math.Round(v.Y * 1e4), (long)Math.Round(v.Z * 1e4));

    private static void ReadHeader(string path, List<SliceHeader> slices, List<string> issues, ref int order)
    {
        DicomDataset ds;
        try
        {
            ds = DicomFile.Open(path, new DicomReadOptions { StopBeforeTag = DicomTags.PixelData }).Dataset;
        }
        catch (Exception e) when (e is DicomException or IOException or UnauthorizedAccessException or EndOfStreamException)
        {
            issues.Add($"{Path.GetFileName(path)}: skipped, not readable as DICOM ({e.Message})");
            return;
        }

        try
        {
            string sopClass = ds.GetStringOrDefault(DicomTags.SOPClassUID);
            string sopInstance = ds.GetStringOrDefault(DicomTags.SOPInstanceUID);
            string series = ds.GetStringOrDefault(DicomTags.SeriesInstanceUID);
            if (sopInstance.Length == 0 || series.Length == 0 || !ds.Contains(DicomTags.Rows) || !ds.Contains(DicomTags.Columns))
            {
                issues.Add($"{Path.GetFileName(path)}: skipped, not an image (no SOP Instance UID, Series Instance UID, Rows or Columns).");
                return;
            }

            string frameOfReference = ds.GetStringOrDefault(DicomTags.FrameOfReferenceUID);
            int rows = ds.GetInt32(DicomTags.Rows);
            int columns = ds.GetInt32(DicomTags.Columns);
            int instanceNumber = ds.GetInt32OrDefault(DicomTags.InstanceNumber, 0);
            int frames = ds.GetInt32OrDefault(DicomTags.NumberOfFrames, 1);
            if (ds.Contains(DicomTags.PerFrameFunctionalGroupsSequence))
            {
                DicomSequence perFrame = ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
                DicomDataset? shared = ds.Contains(DicomTags.SharedFunctionalGroupsSequence) && ds.GetSequence(DicomTags.SharedFunctionalGroupsSequence).Items.Count > 0
                    ? ds.GetSequence(DicomTags.SharedFunctionalGroupsSequence).Items[0]
                    : null;
                if (perFrame.Items.Count != frames)
                {
                    issues.Add($"{Path.GetFileName(path)}: skipped, {perFrame.Items.Count} per-frame functional groups for {frames} frames.");
                    return;
                }

                for (int f = 0; f < frames; f++)
                {
                    DicomDataset item = perFrame.Items[f];
                    DicomDataset? Group(DicomTag tag) => FirstItem(item, tag) ?? (shared is null ? null : FirstItem(shared, tag));
                    DicomDataset? position = Group(DicomTags.PlanePositionSequence);
                    DicomDataset? orientation = Group(DicomTags.PlaneOrientationSequence);
                    DicomDataset? measures = Group(DicomTags.PixelMeasuresSequence);
                    if (position is null || orientation is null || measures is null)
                    {
                        issues.Add($"{Path.GetFileName(path)}: skipped, frame {f + 1} lacks plane position, plane orientation or pixel measures.");
                        return;
                    }

                    DicomDataset? transform = Group(DicomTags.PixelValueTransformationSequence);
                    slices.Add(Make(path, ds, sopClass, sopInstance, f + 1, series, frameOfReference, rows, columns, orientation, position, measures, transform ?? ds, instanceNumber, order++));
                }

                return;
            }

            if (!ds.Contains(DicomTags.ImagePositionPatient) || !ds.Contains(DicomTags.ImageOrientationPatient) || !ds.Contains(DicomTags.PixelSpacing))
            {
                issues.Add($"{Path.GetFileName(path)}: skipped, no Image Position/Orientation (Patient) or Pixel Spacing.");
                return;
            }

            if (frames != 1)
            {
                issues.Add($"{Path.GetFileName(path)}: skipped, {frames} frames without per-frame functional groups.");
                return;
            }

            slices.Add(Make(path, ds, sopClass, sopInstance, 0, series, frameOfReference, rows, columns, ds, ds, ds, ds, instanceNumber, order++));
        }
        catch (DicomException e)
        {
            issues.Add($"{Path.GetFileName(path)}: skipped, {e.Message}");
        }
        catch (SeriesLoadException e)
        {
            issues.Add($"{Path.GetFileName(path)}: skipped, {e.Message}");
        }
    }

    private static DicomDataset? FirstItem(DicomDataset ds, DicomTag tag) =>
        ds.TryGetElement(tag, out DicomElement e) && e is DicomSequence { Items.Count: > 0 } sq ? sq.Items[0] : null;

    private static SliceHeader Make(
        string path,
        DicomDataset ds,
        string sopClass,
        string sopInstance,
        int frame,
        string series,
        string frameOfReference,
        int rows,
        int columns,
        DicomDataset orientation,
        DicomDataset position,
        DicomDataset measures,
        DicomDataset transform,
        int instanceNumber,
        int order)
    {
        double[] iop = orientation.GetDoubles(DicomTags.ImageOrientationPatient);
        double[] ipp = position.GetDoubles(DicomTags.ImagePositionPatient);
        double[] spacing = measures.GetDoubles(DicomTags.PixelSpacing);
        if (iop.Length != 6 || ipp.Length != 3 || spacing.Length != 2)
        {
            throw new SeriesLoadException("Image Orientation needs 6 values, Image Position 3 and Pixel Spacing 2.");
        }

        if (rows < 1 || columns < 1)
        {
            throw new SeriesLoadException($"Matrix {columns}×{rows} is empty.");
        }

        var row = new Vec3(iop[0], iop[1], iop[2]);
        var col = new Vec3(iop[3], iop[4], iop[5]);
        if (Math.Abs(row.Length - 1) > 1e-3 || Math.Abs(col.Length - 1) > 1e-3 || Math.Abs(row.Dot(col)) > 1e-3)
        {
            throw new SeriesLoadException($"Image Orientation {string.Join('\\', iop.Select(static v => v.ToString(CultureInfo.InvariantCulture)))} is not two orthonormal vectors.");
        }

        if (!(spacing[0] > 0 && spacing[1] > 0 && double.IsFinite(spacing[0] + spacing[1])) || !ipp.All(double.IsFinite))
        {
            throw new SeriesLoadException("Pixel Spacing must be positive and Image Position finite.");
        }

        double slope = transform.Contains(DicomTags.RescaleSlope) && transform[DicomTags.RescaleSlope]!.Length > 0 ? transform.GetDouble(DicomTags.RescaleSlope) : 1.0;
        double intercept = transform.Contains(DicomTags.RescaleIntercept) && transform[DicomTags.RescaleIntercept]!.Length > 0 ? transform.GetDouble(DicomTags.RescaleIntercept) : 0.0;
        double thickness = measures.Contains(DicomTags.SliceThickness) && measures[DicomTags.SliceThickness]!.Length > 0 ? measures.GetDouble(DicomTags.SliceThickness) : double.NaN;
        return new SliceHeader(
            path,
            ds,
            sopClass,
            sopInstance,
            frame,
            series,
            frameOfReference,
            rows,
            columns,
            row.Normalized(),
            col.Normalized(),
            new Vec3(ipp[0], ipp[1], ipp[2]),
            spacing[1],
            spacing[0],
            slope,
            intercept,
            thickness,
            instanceNumber,
            order);
    }

    // ---------------------------------------------------------------- geometry checks

    // One pass from sorted slices to plan: the duplicate, tilt and spacing checks feed unique, t, dz and resample into the grid built at the end; splitting would thread them all through helpers.
    private static StackPlan BuildPlan(List<SliceHeader> stack, SeriesLoadOptions options, List<string> issues)
    {
        SliceHeader first = stack[0];
        Vec3 normal = first.RowDirection.Cross(first.ColumnDirection).Normalized();
        double tol = options.PositionToleranceMm;
        var sorted = stack.OrderBy(s => s.Position.Dot(normal)).ThenBy(static s => s.InstanceNumber).ThenBy(static s => s.Order).ToList();

        // Duplicates: same position along the normal; the first (lowest instance number, then first read) is kept.
        var unique = new List<SliceHeader>(sorted.Count);
        foreach (SliceHeader s in sorted)
        {
            if (unique.Count > 0 && Math.Abs((s.Position - unique[^1].Position).Dot(normal)) < tol)
            {
                issues.Add($"Duplicate slice at {s.Position.Dot(normal).ToString("0.###", CultureInfo.InvariantCulture)} mm along the normal: kept {Describe(unique[^1])}, dropped {Describe(s)}.");
                continue;
            }

            unique.Add(s);
        }

        Vec3 p0 = unique[0].Position;
        double[] t = [.. unique.Select(s => (s.Position - p0).Dot(normal))];

        // Gantry tilt: positions leave the line through the first slice along the normal.
        double maxPerpendicular = 0;
        for (int i = 1; i < unique.Count; i++)
        {
            Vec3 d = unique[i].Position - p0;
            maxPerpendicular = Math.Max(maxPerpendicular, (d - (normal * d.Dot(normal))).Length);
        }

        bool tilted = maxPerpendicular > tol;
        bool resample = false;
        if (tilted)
        {
            Vec3 step = (unique[^1].Position - p0).Normalized();
            double angle = Math.Acos(Math.Clamp(Math.Abs(step.Dot(normal)), 0, 1)) * 180 / Math.PI;
            string what = $"Gantry tilt: slice positions step {angle.ToString("0.##", CultureInfo.InvariantCulture)}° off the slice normal (up to {maxPerpendicular.ToString("0.###", CultureInfo.InvariantCulture)} mm sideways)";
            if (options.GantryTilt == GeometryPolicy.Reject)
            {
                throw new SeriesLoadException(what + "; the stack is rejected (GantryTilt = Reject).");
            }

            issues.Add(what + "; resampled onto an orthogonal grid.");
            resample = true;
        }

        double dz;
        if (unique.Count == 1)
        {
            dz = double.IsFinite(first.Thickness) && first.Thickness > 0 ? first.Thickness : 1.0;
        }
        else
        {
            double[] steps = [.. Enumerable.Range(0, t.Length - 1).Select(i => t[i + 1] - t[i])];
            double[] ordered = [.. steps.Order()];
            dz = ordered[ordered.Length / 2];
            double allowed = Math.Max(tol, options.SpacingTolerance * dz);
            var problems = new List<string>();
            for (int i = 0; i < steps.Length; i++)
            {
                if (Math.Abs(steps[i] - dz) <= allowed)
                {
                    continue;
                }

                double k = Math.Round(steps[i] / dz);
                string at = $"between {Describe(unique[i])} and {Describe(unique[i + 1])}";
                problems.Add(k >= 2 && Math.Abs(steps[i] - (k * dz)) <= allowed
                    ? $"gap of {k - 1} missing slice(s) {at}"
                    : $"spacing {steps[i].ToString("0.###", CultureInfo.InvariantCulture)} mm instead of {dz.ToString("0.###", CultureInfo.InvariantCulture)} mm {at}");
            }

            if (problems.Count > 0)
            {
                string what = "Non-uniform slice spacing: " + string.Join("; ", problems.Take(10)) + (problems.Count > 10 ? $"; and {problems.Count - 10} more" : string.Empty);
                if (options.NonUniformSpacing == GeometryPolicy.Reject)
                {
                    throw new SeriesLoadException(what + ". The stack is rejected (NonUniformSpacing = Reject).");
                }

                issues.Add(what + "; resampled to uniform spacing.");
                resample = true;
            }
        }

        int sizeZ = resample ? (int)Math.Round(t[^1] / dz) + 1 : unique.Count;
        var geometry = new Affine3D(p0, first.RowDirection, first.ColumnDirection, normal, new Vec3(first.SpacingX, first.SpacingY, dz));
        var sliceSources = new SliceHeader?[sizeZ];
        var slices = new SeriesSlice[sizeZ];
        for (int k = 0; k < sizeZ; k++)
        {
            Vec3 position = resample ? geometry.IndexToWorld(0, 0, k) : unique[k].Position;
            SliceHeader? source = resample ? MatchingSlice(unique, position, normal, tol) : unique[k];
            sliceSources[k] = source;
            slices[k] = new SeriesSlice(k, position, source is null ? null : new SourceImageReference(source.SopClassUid, source.SopInstanceUid, source.FrameNumber));
        }

        DicomDataset ds = first.Dataset;
        var patientStudy = new DicomDataset();
        foreach (DicomTag tag in SeriesTags.PatientAndStudy)
        {
            if (ds.TryGetElement(tag, out DicomElement e))
            {
                patientStudy.Add(e is DicomSequence ? CloneSequence((DicomSequence)e) : e);
            }
        }

        double thickness = double.IsFinite(first.Thickness) && first.Thickness > 0 ? first.Thickness : dz;
        var header = new SeriesHeader(
            first.Columns,
            first.Rows,
            sizeZ,
            geometry,
            slices,
            [.. unique.Select(static s => new SourceImageReference(s.SopClassUid, s.SopInstanceUid, s.FrameNumber))],
            patientStudy,
            first.SeriesInstanceUid,
            first.FrameOfReferenceUid,
            ds.GetStringOrDefault(DicomTags.Modality),
            ds.GetStringOrDefault(DicomTags.PositionReferenceIndicator),
            thickness,
            resample,
            issues);
        return new StackPlan(header, unique, sliceSources, resample);
    }

    private static DicomSequence CloneSequence(DicomSequence sq) => new(sq.Tag, sq.Items.Select(static i => i.Clone()));

    private static SliceHeader? MatchingSlice(List<SliceHeader> unique, Vec3 position, Vec3 normal, double tol)
    {
        foreach (SliceHeader s in unique)
        {
            Vec3 d = s.Position - position;
            if (d.Length <= tol)
            {
                return s;
            }

            if (d.Dot(normal) > tol)
            {
                break;
            }
        }

        return null;
    }

    private static string Describe(SliceHeader s) =>
        s.FrameNumber > 0
            ? $"{Path.GetFileName(s.Path)} frame {s.FrameNumber}"
            : $"{Path.GetFileName(s.Path)} (instance {s.InstanceNumber.ToString(CultureInfo.InvariantCulture)})";

    // ---------------------------------------------------------------- pixel data

    private static Volume<float> ReadPixels(StackPlan plan, SeriesLoadOptions options, CancellationToken cancellationToken)
    {
        SeriesHeader h = plan.Header;
        var volume = new Volume<float>(h.SizeX, h.SizeY, h.SizeZ, h.Geometry);

        // On a regular stack each decoded frame goes straight into its slice of the volume (a 512×512×1000 series
        // would otherwise hold its planes and the volume at once: 2 GB); only a resampled stack keeps its planes.
        var planes = plan.Resample ? new float[plan.Unique.Count][] : null;
        var index = new Dictionary<SliceHeader, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < plan.Unique.Count; i++)
        {
            index.Add(plan.Unique[i], i);
        }

        var files = plan.Unique.GroupBy(static s => s.Path, StringComparer.Ordinal).ToList();
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = options.MaxParallelism };
        try
        {
            Parallel.ForEach(files, parallel, file =>
            {
                IReadOnlyList<byte[]> frames = DecodeFile(file.Key, out ImagePixelDescription description);
                foreach (SliceHeader s in file)
                {
                    int f = Math.Max(s.FrameNumber, 1) - 1;
                    if (f >= frames.Count)
                    {
                        throw new SeriesLoadException($"{Path.GetFileName(s.Path)}: frame {s.FrameNumber} missing from the pixel data.");
                    }

                    if (planes is null)
                    {
                        if (description.Rows != h.SizeY || description.Columns != h.SizeX)
                        {
                            throw new SeriesLoadException($"{Path.GetFileName(s.Path)}: {description.Columns}×{description.Rows} pixels, the series is {h.SizeX}×{h.SizeY}.");
                        }

                        PixelDataConverter.ToRescaled(frames[f], description, s.Slope, s.Intercept, volume.Slice(index[s]));
                    }
                    else
                    {
                        planes[index[s]] = PixelDataConverter.ToRescaled(frames[f], description, s.Slope, s.Intercept);
                    }
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0 && e.InnerExceptions[0] is SeriesLoadException or DicomException)
        {
            throw e.InnerExceptions[0] is SeriesLoadException sle ? sle : new SeriesLoadException(e.InnerExceptions[0].Message, e.InnerExceptions[0]);
        }

        if (planes is not null)
        {
            SliceResampler.Resample(plan.Unique, planes, volume, options.OutsideValue, options.PositionToleranceMm);
        }

        return volume;
    }

    private static IReadOnlyList<byte[]> DecodeFile(string path, out ImagePixelDescription description)
    {
        // The decoded frames are copies: the file (and its pooled pixel buffer) is released on return.
        DicomFile file;
        try
        {
            file = DicomFile.Open(path);
        }
        catch (Exception e) when (e is DicomException or IOException or UnauthorizedAccessException)
        {
            throw new SeriesLoadException($"{Path.GetFileName(path)}: cannot be read ({e.Message}).", e);
        }

        using var owned = file;
        DicomDataset ds = file.Dataset;
        try
        {
            description = new ImagePixelDescription(
                ds.GetInt32(DicomTags.Rows),
                ds.GetInt32(DicomTags.Columns),
                ds.GetInt32OrDefault(DicomTags.SamplesPerPixel, 1),
                ds.GetInt32(DicomTags.BitsAllocated),
                ds.GetInt32(DicomTags.BitsStored),
                ds.GetInt32(DicomTags.HighBit),
                ds.GetInt32OrDefault(DicomTags.PixelRepresentation, 0),
                ds.GetInt32OrDefault(DicomTags.PlanarConfiguration, 0),
                ds.GetStringOrDefault(DicomTags.PhotometricInterpretation, "MONOCHROME2"),
                ds.GetInt32OrDefault(DicomTags.NumberOfFrames, 1));
            if (description.SamplesPerPixel != 1)
            {
                throw new SeriesLoadException($"{Path.GetFileName(path)}: {description.SamplesPerPixel} samples per pixel; only single-sample (greyscale) images make a volume.");
            }

            DicomElement pixels = ds.GetElement(DicomTags.PixelData);
            if (pixels is DicomFragmentSequence fragments)
            {
                TransferSyntaxCodecs.EnsureDecodable(file.TransferSyntax.Uid);
                uint[] offsets = fragments.GetOffsets();
                return PixelDataDecoder.DecodeFrames(file.TransferSyntax.Uid, description, [.. fragments.Fragments], offsets.Length == 0 ? null : [.. offsets.Select(static o => (long)o)]);
            }

            // Native values are held in little-endian order whatever the file's byte order.
            return PixelDataDecoder.DecodeNativeFrames(DicomTransferSyntax.ExplicitVRLittleEndian.Uid, description, pixels.Value.Span);
        }
        catch (DicomException e)
        {
            throw new SeriesLoadException($"{Path.GetFileName(path)}: pixel data cannot be decoded ({file.TransferSyntax}): {e.Message}", e);
        }
    }

    private readonly record struct StackKey(string Series, string FrameOfReference, int Rows, int Columns, (long, long, long) Row, (long, long, long) Column, (long, long, long) PixelSpacing);

    private sealed record StackPlan(SeriesHeader Header, List<SliceHeader> Unique, SliceHeader?[] Sources, bool Resample);
}
