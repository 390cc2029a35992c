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
        DicomDataset ds = segmentation;
        if (ds.GetStringOrDefault(DicomTag.SOPClassUID) != SegmentationWriter.SegmentationStorage)
        {
            throw new DicomException($"SOP Class {ds.GetStringOrDefault(DicomTag.SOPClassUID)} is not Segmentation Storage.");
        }

        int rows = ds.GetInt32(DicomTag.Rows), columns = ds.GetInt32(DicomTag.Columns);
        if (rows != reference.SizeY || columns != reference.SizeX)
        {
            throw new DicomException($"Segmentation frames are {columns}×{rows}; the reference grid is {reference.SizeX}×{reference.SizeY}.");
        }

        string type = ds.GetStringOrDefault(SegTags.SegmentationType);
        bool fractional = type == "FRACTIONAL";
        if (!fractional && type != "BINARY")
        {
            throw new DicomException($"Segmentation Type '{type}' is not supported.");
        }

        int bits = ds.GetInt32(DicomTag.BitsAllocated);
        if ((fractional && bits != 8) || (!fractional && bits != 1))
        {
            throw new DicomException($"Bits Allocated {bits} does not fit Segmentation Type {type}.");
        }

        int threshold = fractional ? Math.Max(1, (ds.GetInt32OrDefault(SegTags.MaximumFractionalValue, 255) + 1) / 2) : 1;
        int frameCount = ds.GetInt32OrDefault(DicomTag.NumberOfFrames, 1);
        if (frameCount < 1)
        {
            throw new DicomException($"Number of Frames {frameCount} must be at least 1.");
        }

        DicomElement pixelElement = ds.GetElement(DicomTag.PixelData);
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
        foreach (DicomDataset item in ds.GetSequence(SegTags.SegmentSequence).Items)
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

        DicomSequence perFrame = ds.GetSequence(SegTags.PerFrameFunctionalGroupsSequence);
        if (perFrame.Items.Count != frameCount)
        {
            throw new DicomException($"{perFrame.Items.Count} per-frame functional groups for {frameCount} frames.");
        }

        DicomDataset? shared = First(ds, SegTags.SharedFunctionalGroupsSequence);
        var frames = new List<(int, int)>(frameCount);
        for (int f = 0; f < frameCount; f++)
        {
            DicomDataset item = perFrame.Items[f];
            DicomDataset identification = First(item, SegTags.SegmentIdentificationSequence) ?? (shared is null ? null : First(shared, SegTags.SegmentIdentificationSequence))
                ?? throw new DicomException($"Frame {f + 1} has no Segment Identification.");
            int segment = identification.GetInt32(SegTags.ReferencedSegmentNumber);
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

    private static int SliceOf(DicomDataset item, DicomDataset? shared, int f, SeriesHeader reference, Dictionary<(string, int), int> bySop)
    {
        DicomDataset? derivation = First(item, SegTags.DerivationImageSequence);
        DicomDataset? source = derivation is null ? null : First(derivation, SegTags.SourceImageSequence);
        if (source is not null)
        {
            string uid = source.GetStringOrDefault(SegTags.ReferencedSopInstanceUid);
            int frame = source.GetInt32OrDefault(SegTags.ReferencedFrameNumber, 0);
            if (bySop.TryGetValue((uid, frame), out int z))
            {
                return z;
            }
        }

        DicomDataset position = First(item, SegTags.PlanePositionSequence) ?? (shared is null ? null : First(shared, SegTags.PlanePositionSequence))
            ?? throw new DicomException($"Frame {f + 1} has neither a known source image nor a Plane Position.");
        double[] ipp = position.GetDoubles(SegTags.ImagePositionPatient);
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

    private static void CheckOrientation(DicomDataset ds, SeriesHeader reference)
    {
        DicomDataset? shared = First(ds, SegTags.SharedFunctionalGroupsSequence);
        DicomDataset? orientation = shared is null ? null : First(shared, SegTags.PlaneOrientationSequence);
        if (orientation is null)
        {
            return;
        }

        double[] iop = orientation.GetDoubles(SegTags.ImageOrientationPatient);
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
        DicomDataset type = First(item, SegTags.SegmentedPropertyTypeCodeSequence) ?? throw new DicomException("A segment lacks Segmented Property Type.");
        DicomDataset category = First(item, SegTags.SegmentedPropertyCategoryCodeSequence) ?? throw new DicomException("A segment lacks Segmented Property Category.");
        DicomDataset? modifier = First(type, SegTags.SegmentedPropertyTypeModifierCodeSequence);
        DicomDataset? algorithmItem = First(item, SegTags.SegmentationAlgorithmIdentificationSequence);
        string algorithmType = item.GetStringOrDefault(SegTags.SegmentAlgorithmType);
        SegmentAlgorithm? algorithm = null;
        if (algorithmType != "MANUAL")
        {
            DicomDataset? family = algorithmItem is null ? null : First(algorithmItem, SegTags.AlgorithmFamilyCodeSequence);
            algorithm = new SegmentAlgorithm(
                algorithmItem?.GetStringOrDefault(SegTags.AlgorithmName) is { Length: > 0 } n ? n : item.GetStringOrDefault(SegTags.SegmentAlgorithmName),
                algorithmItem?.GetStringOrDefault(SegTags.AlgorithmVersion) ?? string.Empty,
                family is null ? null : ReadCode(family));
        }

        ushort[] lab = item.TryGetElement(SegTags.RecommendedDisplayCieLabValue, out DicomElement e) ? e.GetValues<ushort>() : [];
        var description = new SegmentDescription
        {
            Label = item.GetStringOrDefault(SegTags.SegmentLabel),
            Category = ReadCode(category),
            Type = ReadCode(type),
            TypeModifier = modifier is null ? null : ReadCode(modifier),
            Color = lab.Length == 3 ? CieLab.ToRgb(lab) : new RgbColor(255, 255, 255),
            Algorithm = algorithm,
            Description = item.Contains(SegTags.SegmentDescription) ? item.GetStringOrDefault(SegTags.SegmentDescription) : null,
            TrackingId = item.Contains(SegTags.TrackingId) ? item.GetStringOrDefault(SegTags.TrackingId) : null,
            TrackingUid = item.Contains(SegTags.TrackingUid) ? item.GetStringOrDefault(SegTags.TrackingUid) : null,
        };
        return new ReadSegment(item.GetInt32(SegTags.SegmentNumber), description, algorithmType);
    }

    private static CodedConcept ReadCode(DicomDataset item) => new(
        item.GetStringOrDefault(SegTags.CodeValue, item.GetStringOrDefault(SegTags.LongCodeValue)),
        item.GetStringOrDefault(SegTags.CodingSchemeDesignator),
        item.GetStringOrDefault(SegTags.CodeMeaning));

    private static DicomDataset? First(DicomDataset ds, DicomTag tag) =>
        ds.TryGetElement(tag, out DicomElement e) && e is DicomSequence { Items.Count: > 0 } sq ? sq.Items[0] : null;
}
