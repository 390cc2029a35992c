using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Series;

namespace ContinualSegment.Imaging.Segmentation;

/// <summary>
/// Reads a DICOM Segmentation (binary, or fractional thresholded at half the maximum) onto the grid of its source
/// series: each frame goes to the slice of the source image it derives from, else to the slice its Image Position
/// (Patient) lies on.
/// </summary>
public static class SegmentationReader
{
    /// <exception cref="DicomException">Not a Segmentation, or frames that do not fit the reference grid.</exception>
    public static SegmentationContent Read(DicomDataset segmentation, SeriesHeader reference)
    {
        ArgumentNullException.ThrowIfNull(segmentation);
        ArgumentNullException.ThrowIfNull(reference);
        return Read(segmentation, new ReferenceGrid(reference.SizeX, reference.SizeY, reference.SizeZ, reference.Geometry, reference.Slices));
    }

    /// <summary>
    /// Reads a Segmentation onto a grid that has no source images (e.g. a NIfTI label map's): every frame goes to the
    /// slice its Image Position (Patient) lies on.
    /// </summary>
    /// <exception cref="DicomException">Not a Segmentation, or frames that do not fit the grid.</exception>
    public static SegmentationContent Read(DicomDataset segmentation, int sizeX, int sizeY, int sizeZ, Affine3D geometry)
    {
        ArgumentNullException.ThrowIfNull(segmentation);
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeX, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeY, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeZ, 1);
        return Read(segmentation, new ReferenceGrid(sizeX, sizeY, sizeZ, geometry, []));
    }

    /// <summary>The Series Instance UIDs the Segmentation's Referenced Series Sequence names.</summary>
    public static IReadOnlyList<string> ReferencedSeriesUids(DicomDataset segmentation)
    {
        ArgumentNullException.ThrowIfNull(segmentation);
        return segmentation.TryGetElement(DicomTags.ReferencedSeriesSequence, out DicomElement e) && e is DicomSequence sq
            ? [.. sq.Items.Select(static i => i.GetStringOrDefault(DicomTags.SeriesInstanceUID)).Where(static u => u.Length > 0)]
            : [];
    }

    private static SegmentationContent Read(DicomDataset ds, ReferenceGrid reference)
    {
        if (ds.GetStringOrDefault(DicomTags.SOPClassUID) != SegmentationWriter.SegmentationStorage)
        {
            throw new DicomException($"SOP Class {ds.GetStringOrDefault(DicomTags.SOPClassUID)} is not Segmentation Storage.");
        }

        int rows = ds.GetInt32(DicomTags.Rows), columns = ds.GetInt32(DicomTags.Columns);
        if (rows != reference.SizeY || columns != reference.SizeX)
        {
            throw new DicomException($"Segmentation frames are {columns}×{rows}; the reference grid is {reference.SizeX}×{reference.SizeY}.");
        }

        string type = ds.GetStringOrDefault(DicomTags.SegmentationType);
        bool fractional = type == "FRACTIONAL";
        if (!fractional && type != "BINARY")
        {
            throw new DicomException($"Segmentation Type '{type}' is not supported.");
        }

        int bits = ds.GetInt32(DicomTags.BitsAllocated);
        if ((fractional && bits != 8) || (!fractional && bits != 1))
        {
            throw new DicomException($"Bits Allocated {bits} does not fit Segmentation Type {type}.");
        }

        int threshold = fractional ? Math.Max(1, (ds.GetInt32OrDefault(DicomTags.MaximumFractionalValue, 255) + 1) / 2) : 1;
        int frameCount = ds.GetInt32OrDefault(DicomTags.NumberOfFrames, 1);
        if (frameCount < 1)
        {
            throw new DicomException($"Number of Frames {frameCount} must be at least 1.");
        }

        DicomElement pixelElement = ds.GetElement(DicomTags.PixelData);
        if (pixelElement is DicomFragmentSequence)
        {
            throw new DicomException("Encapsulated Segmentation pixel data is not supported; store it uncompressed.");
        }

        byte[] pixels = pixelElement.Value.ToArray();
        long needed = fractional ? (long)frameCount * rows * columns : (((long)frameCount * rows * columns) + 7) / 8;
        if (pixels.Length < needed)
        {
            throw new DicomException($"Pixel data holds {pixels.Length} bytes; {frameCount} frames need {needed}.");
        }

        var segments = new List<ReadSegment>();
        foreach (DicomDataset item in ds.GetSequence(DicomTags.SegmentSequence).Items)
        {
            segments.Add(ReadSegmentItem(item));
        }

        CheckOrientation(ds, reference);
        var bySop = new Dictionary<(string, int), int>();
        foreach (SeriesSlice s in reference.Slices)
        {
            if (s.Source is { } src)
            {
                bySop.TryAdd((src.SopInstanceUid, src.FrameNumber), s.Index);
            }
        }

        DicomSequence perFrame = ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
        if (perFrame.Items.Count != frameCount)
        {
            throw new DicomException($"{perFrame.Items.Count} per-frame functional groups for {frameCount} frames.");
        }

        DicomDataset? shared = First(ds, DicomTags.SharedFunctionalGroupsSequence);
        var frames = new List<(int, int)>(frameCount);
        for (int f = 0; f < frameCount; f++)
        {
            DicomDataset item = perFrame.Items[f];
            DicomDataset identification = First(item, DicomTags.SegmentIdentificationSequence) ?? (shared is null ? null : First(shared, DicomTags.SegmentIdentificationSequence))
                ?? throw new DicomException($"Frame {f + 1} has no Segment Identification.");
            int segment = identification.GetInt32(DicomTags.ReferencedSegmentNumber);
            if (!segments.Any(s => s.Number == segment))
            {
                throw new DicomException($"Frame {f + 1} refers to segment {segment}, which the Segment Sequence lacks.");
            }

            frames.Add((segment, SliceOf(item, shared, f, reference, bySop)));
        }

        return new SegmentationContent(reference.SizeX, reference.SizeY, reference.SizeZ, reference.Geometry, segments, frames, pixels, fractional, threshold);
    }

    /// <summary>Reads a Segmentation file.</summary>
    public static SegmentationContent Read(string path, SeriesHeader reference) => Read(DicomFile.Open(path).Dataset, reference);

    private static int SliceOf(DicomDataset item, DicomDataset? shared, int f, ReferenceGrid reference, Dictionary<(string, int), int> bySop)
    {
        DicomDataset? derivation = First(item, DicomTags.DerivationImageSequence);
        DicomDataset? source = derivation is null ? null : First(derivation, DicomTags.SourceImageSequence);
        if (source is not null)
        {
            string uid = source.GetStringOrDefault(DicomTags.ReferencedSOPInstanceUID);
            int frame = source.GetInt32OrDefault(DicomTags.ReferencedFrameNumber, 0);
            if (bySop.TryGetValue((uid, frame), out int z))
            {
                return z;
            }
        }

        DicomDataset position = First(item, DicomTags.PlanePositionSequence) ?? (shared is null ? null : First(shared, DicomTags.PlanePositionSequence))
            ?? throw new DicomException($"Frame {f + 1} has neither a known source image nor a Plane Position.");
        double[] ipp = position.GetDoubles(DicomTags.ImagePositionPatient);
        if (ipp.Length != 3)
        {
            throw new DicomException($"Frame {f + 1}: Image Position (Patient) needs 3 values.");
        }

        Vec3 index = reference.Geometry.WorldToIndex(new Vec3(ipp[0], ipp[1], ipp[2]));
        int k = (int)Math.Round(index.Z);
        const double Tolerance = 0.01;
        if (Math.Abs(index.X) > Tolerance || Math.Abs(index.Y) > Tolerance || Math.Abs(index.Z - k) > Tolerance || k < 0 || k >= reference.SizeZ)
        {
            throw new DicomException($"Frame {f + 1} at ({ipp[0]}, {ipp[1]}, {ipp[2]}) does not lie on a slice of the reference grid.");
        }

        return k;
    }

    private static void CheckOrientation(DicomDataset ds, ReferenceGrid reference)
    {
        DicomDataset? shared = First(ds, DicomTags.SharedFunctionalGroupsSequence);
        DicomDataset? orientation = shared is null ? null : First(shared, DicomTags.PlaneOrientationSequence);
        if (orientation is null)
        {
            return;
        }

        double[] iop = orientation.GetDoubles(DicomTags.ImageOrientationPatient);
        Affine3D g = reference.Geometry;
        if (iop.Length != 6
            || (new Vec3(iop[0], iop[1], iop[2]) - g.AxisI).Length > 1e-4
            || (new Vec3(iop[3], iop[4], iop[5]) - g.AxisJ).Length > 1e-4)
        {
            throw new DicomException("The Segmentation's Image Orientation differs from the reference grid's.");
        }
    }

    private static ReadSegment ReadSegmentItem(DicomDataset item)
    {
        DicomDataset type = First(item, DicomTags.SegmentedPropertyTypeCodeSequence) ?? throw new DicomException("A segment lacks Segmented Property Type.");
        DicomDataset category = First(item, DicomTags.SegmentedPropertyCategoryCodeSequence) ?? throw new DicomException("A segment lacks Segmented Property Category.");
        DicomDataset? modifier = First(type, DicomTags.SegmentedPropertyTypeModifierCodeSequence);
        DicomDataset? algorithmItem = First(item, DicomTags.SegmentationAlgorithmIdentificationSequence);
        string algorithmType = item.GetStringOrDefault(DicomTags.SegmentAlgorithmType);
        SegmentAlgorithm? algorithm = null;
        if (algorithmType != "MANUAL")
        {
            DicomDataset? family = algorithmItem is null ? null : First(algorithmItem, DicomTags.AlgorithmFamilyCodeSequence);
            algorithm = new SegmentAlgorithm(
                algorithmItem?.GetStringOrDefault(DicomTags.AlgorithmName) is { Length: > 0 } n ? n : item.GetStringOrDefault(DicomTags.SegmentAlgorithmName),
                algorithmItem?.GetStringOrDefault(DicomTags.AlgorithmVersion) ?? string.Empty,
                family is null ? null : ReadCode(family));
        }

        ushort[] lab = item.TryGetElement(DicomTags.RecommendedDisplayCIELabValue, out DicomElement e) ? e.GetValues<ushort>() : [];
        var description = new SegmentDescription
        {
            Label = item.GetStringOrDefault(DicomTags.SegmentLabel),
            Category = ReadCode(category),
            Type = ReadCode(type),
            TypeModifier = modifier is null ? null : ReadCode(modifier),
            Color = lab.Length == 3 ? CieLab.ToRgb(lab) : new RgbColor(255, 255, 255),
            Algorithm = algorithm,
            Description = item.Contains(DicomTags.SegmentDescription) ? item.GetStringOrDefault(DicomTags.SegmentDescription) : null,
            TrackingId = item.Contains(DicomTags.TrackingID) ? item.GetStringOrDefault(DicomTags.TrackingID) : null,
            TrackingUid = item.Contains(DicomTags.TrackingUID) ? item.GetStringOrDefault(DicomTags.TrackingUID) : null,
        };
        return new ReadSegment(item.GetInt32(DicomTags.SegmentNumber), description, algorithmType);
    }

    private static CodedConcept ReadCode(DicomDataset item) => CodedConcept.FromCodeItem(item);

    private static DicomDataset? First(DicomDataset ds, DicomTag tag) =>
        ds.TryGetElement(tag, out DicomElement e) && e is DicomSequence { Items.Count: > 0 } sq ? sq.Items[0] : null;

    private sealed record ReferenceGrid(int SizeX, int SizeY, int SizeZ, Affine3D Geometry, IReadOnlyList<SeriesSlice> Slices);
}
