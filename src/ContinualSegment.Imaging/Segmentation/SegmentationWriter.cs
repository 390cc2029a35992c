using System.Buffers.Binary;
using System.Globalization;
using ContinualSegment.Dicom;
using ContinualSegment.Imaging.Series;

namespace ContinualSegment.Imaging.Segmentation;

/// <summary>
/// Builds a binary DICOM Segmentation instance (SOP Class 1.2.840.10008.5.1.4.1.1.66.4) on the grid of a source series.
/// One frame per segment and slice where the segment has a voxel (empty frames are omitted), ordered by segment number
/// then slice; the frames' bits are packed continuously (a frame starts at any bit, least significant bit first).
/// Masks are never materialised: label maps are scanned once for which segments occur on which slice, then each
/// frame's bits are set from its slice.
/// </summary>
public static class SegmentationWriter
{
    public const string SegmentationStorage = "1.2.840.10008.5.1.4.1.1.66.4";

    private const ushort PixelDataGroup = 0x7FE0;

    /// <summary>Builds the Segmentation as a data set.</summary>
    /// <exception cref="ArgumentException">The request is inconsistent (grid, layers, labels, segment texts).</exception>
    public static DicomDataset Build(SegmentationRequest request, SegmentationOptions? options = null)
    {
        Prepared prepared = Prepare(request, options);
        prepared.Dataset.AddOrUpdate(new DicomElement(DicomTags.PixelData, DicomVR.OB, PackFrames(request, prepared.Segments, prepared.Frames)));
        return prepared.Dataset;
    }

    /// <summary>Builds the Segmentation as a file (Explicit VR Little Endian).</summary>
    public static DicomFile BuildFile(SegmentationRequest request, SegmentationOptions? options = null) =>
        new(Build(request, options), DicomTransferSyntax.ExplicitVRLittleEndian);

    /// <summary>
    /// Writes the Segmentation as a file (Explicit VR Little Endian) without holding its pixel data: frames are packed
    /// into a small window and streamed after the header. The bytes equal those of <see cref="BuildFile"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The request is inconsistent (grid, layers, labels, segment texts).</exception>
    public static async Task WriteAsync(SegmentationRequest request, string path, SegmentationOptions? options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Prepared prepared = Prepare(request, options);
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await WriteAsync(request, prepared, stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the Segmentation file to a stream (see <see cref="WriteAsync(SegmentationRequest, string, SegmentationOptions?, CancellationToken)"/>).</summary>
    public static async Task WriteAsync(SegmentationRequest request, Stream stream, SegmentationOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await WriteAsync(request, Prepare(request, options), stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>As the public overload, with the window size given (tests make it small to exercise its flushing).</summary>
    internal static async Task WriteAsync(SegmentationRequest request, Stream stream, SegmentationOptions? options, int windowBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await WriteAsync(request, Prepare(request, options), stream, cancellationToken, windowBytes).ConfigureAwait(false);
    }

    private static async Task WriteAsync(SegmentationRequest request, Prepared prepared, Stream stream, CancellationToken cancellationToken, int windowBytes = 1 << 20)
    {
        DicomDataset ds = prepared.Dataset;
        if (ds.Any(static e => e.Tag.Group > PixelDataGroup || (e.Tag.Group == PixelDataGroup && e.Tag.Element > 0x0010)))
        {
            // Something sorts after Pixel Data (copied from the source): write it in memory, in tag order.
            ds.AddOrUpdate(new DicomElement(DicomTags.PixelData, DicomVR.OB, PackFrames(request, prepared.Segments, prepared.Frames)));
            await new DicomFile(ds, DicomTransferSyntax.ExplicitVRLittleEndian).SaveAsync(stream, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        long pixelBytes = PixelDataLength(request, prepared.Frames.Count);
        using (var header = new MemoryStream())
        {
            new DicomFile(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(header);

            // (7FE0,0010) OB, explicit VR little endian: tag, VR, two reserved bytes, 32-bit length.
            Span<byte> element = stackalloc byte[12];
            BinaryPrimitives.WriteUInt16LittleEndian(element, PixelDataGroup);
            BinaryPrimitives.WriteUInt16LittleEndian(element[2..], 0x0010);
            element[4] = (byte)'O';
            element[5] = (byte)'B';
            BinaryPrimitives.WriteUInt32LittleEndian(element[8..], checked((uint)pixelBytes));
            header.Write(element);
            header.Position = 0;
            await header.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        var window = new FrameWindow(stream, request.Source.SizeX * request.Source.SizeY, windowBytes);
        foreach (var (segment, z) in prepared.Frames)
        {
            await window.ReserveAsync(cancellationToken).ConfigureAwait(false);
            PackFrame(request, prepared, segment, z, window.Buffer, window.BitOffset);
            window.Advance();
        }

        await window.FinishAsync(pixelBytes, cancellationToken).ConfigureAwait(false);
    }

    private static Prepared Prepare(SegmentationRequest request, SegmentationOptions? options)
    {
        ArgumentNullException.ThrowIfNull(request);
        options ??= SegmentationOptions.Default;
        options.Validate();
        SeriesHeader src = request.Source ?? throw new ArgumentException("The request needs a source series.", nameof(request));
        ValidateRequest(request);

        RowBounds[] present = FindPresence(request);
        var segments = new List<(SegmentInput Input, int Number, RowBounds Rows)>();
        for (int s = 0; s < request.Segments.Count; s++)
        {
            if (options.IncludeEmptySegments || present[s].Any)
            {
                segments.Add((request.Segments[s], segments.Count + 1, present[s]));
            }
        }

        if (segments.Count == 0)
        {
            throw new ArgumentException("No segment has a voxel and IncludeEmptySegments is off: there is nothing to write.", nameof(request));
        }

        var frames = new List<(int Segment, int Z)>();
        foreach (var (_, number, p) in segments)
        {
            for (int z = 0; z < p.First.Length; z++)
            {
                if (p.First[z] >= 0)
                {
                    frames.Add((number, z));
                }
            }
        }

        if (frames.Count == 0)
        {
            frames.Add((1, 0));
        }

        DateTimeOffset now = options.ContentDateTime ?? DateTimeOffset.Now;
        string date = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        string time = now.ToString("HHmmss.ffffff", CultureInfo.InvariantCulture);
        string sopInstance = options.SopInstanceUid ?? DicomUid.Generate();
        string seriesInstance = options.SeriesInstanceUid ?? DicomUid.Generate();

        var ds = new DicomDataset();
        foreach (DicomElement e in src.PatientStudyAttributes)
        {
            ds.AddOrUpdate(e is DicomSequence sq ? new DicomSequence(sq.Tag, sq.Items.Select(static i => i.Clone())) : e);
        }

        // Patient and General Study modules: type 2 attributes present even when unknown.
        foreach (DicomTag tag in new[] { DicomTags.PatientName, DicomTags.PatientID, DicomTags.PatientBirthDate, DicomTags.PatientSex, DicomTags.StudyDate, DicomTags.StudyTime, DicomTags.ReferringPhysicianName, DicomTags.StudyID, DicomTags.AccessionNumber })
        {
            if (!ds.Contains(tag))
            {
                ds.Add(new DicomElement(tag, DicomDictionary.DefaultVR(tag), ReadOnlyMemory<byte>.Empty));
            }
        }

        if (!ds.Contains(DicomTags.StudyInstanceUID))
        {
            throw new ArgumentException("The source series has no Study Instance UID.", nameof(request));
        }

        // SOP Common, General Series, Segmentation Series, Frame of Reference, equipment.
        ds.AddOrUpdate(DicomTags.SOPClassUID, DicomVR.UI, SegmentationStorage);
        ds.AddOrUpdate(DicomTags.SOPInstanceUID, DicomVR.UI, sopInstance);
        ds.AddOrUpdate(DicomTags.InstanceCreationDate, DicomVR.DA, date);
        ds.AddOrUpdate(DicomTags.InstanceCreationTime, DicomVR.TM, time);
        ds.AddOrUpdate(DicomTags.Modality, DicomVR.CS, "SEG");
        ds.AddOrUpdate(DicomTags.SeriesInstanceUID, DicomVR.UI, seriesInstance);
        ds.AddOrUpdate(DicomTags.SeriesNumber, DicomVR.IS, options.SeriesNumber.ToString(CultureInfo.InvariantCulture));
        ds.AddOrUpdate(DicomTags.SeriesDate, DicomVR.DA, date);
        ds.AddOrUpdate(DicomTags.SeriesTime, DicomVR.TM, time);
        if (options.SeriesDescription.Length > 0)
        {
            ds.AddOrUpdate(DicomTags.SeriesDescription, DicomVR.LO, options.SeriesDescription);
        }

        ds.AddOrUpdate(DicomTags.FrameOfReferenceUID, DicomVR.UI, src.FrameOfReferenceUid);
        ds.AddOrUpdate(DicomTags.PositionReferenceIndicator, DicomVR.LO, src.PositionReferenceIndicator);
        ds.AddOrUpdate(DicomTags.Manufacturer, DicomVR.LO, options.Manufacturer);
        ds.AddOrUpdate(DicomTags.ManufacturerModelName, DicomVR.LO, options.ManufacturerModelName);
        ds.AddOrUpdate(DicomTags.DeviceSerialNumber, DicomVR.LO, options.DeviceSerialNumber);
        ds.AddOrUpdate(DicomTags.SoftwareVersions, DicomVR.LO, options.SoftwareVersions);

        // General Image, Segmentation Image, Image Pixel, Multi-frame Functional Groups.
        ds.AddOrUpdate(DicomTags.InstanceNumber, DicomVR.IS, options.InstanceNumber.ToString(CultureInfo.InvariantCulture));
        ds.AddOrUpdate(DicomTags.ContentDate, DicomVR.DA, date);
        ds.AddOrUpdate(DicomTags.ContentTime, DicomVR.TM, time);
        ds.AddOrUpdate(DicomTags.ImageType, DicomVR.CS, "DERIVED", "PRIMARY");
        ds.AddOrUpdate(DicomTags.ContentLabel, DicomVR.CS, options.ContentLabel);
        ds.AddOrUpdate(DicomTags.ContentDescription, DicomVR.LO, options.ContentDescription);
        ds.AddOrUpdate(DicomTags.ContentCreatorName, DicomVR.PN, options.ContentCreatorName);
        ds.AddOrUpdate(DicomTags.LossyImageCompression, DicomVR.CS, "00");
        ds.AddOrUpdate(DicomTags.SegmentationType, DicomVR.CS, "BINARY");
        ds.AddOrUpdate<ushort>(DicomTags.SamplesPerPixel, DicomVR.US, 1);
        ds.AddOrUpdate(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2");
        ds.AddOrUpdate<ushort>(DicomTags.Rows, DicomVR.US, checked((ushort)src.SizeY));
        ds.AddOrUpdate<ushort>(DicomTags.Columns, DicomVR.US, checked((ushort)src.SizeX));
        ds.AddOrUpdate<ushort>(DicomTags.BitsAllocated, DicomVR.US, 1);
        ds.AddOrUpdate<ushort>(DicomTags.BitsStored, DicomVR.US, 1);
        ds.AddOrUpdate<ushort>(DicomTags.HighBit, DicomVR.US, 0);
        ds.AddOrUpdate<ushort>(DicomTags.PixelRepresentation, DicomVR.US, 0);
        ds.AddOrUpdate(DicomTags.NumberOfFrames, DicomVR.IS, frames.Count.ToString(CultureInfo.InvariantCulture));

        ds.AddOrUpdate(new DicomSequence(DicomTags.SegmentSequence, segments.Select(s => SegmentItem(s.Input.Description, s.Number, sopInstance))));

        // Multi-frame Dimension module: segment number, then position.
        string dimensionUid = DicomUid.FromName(sopInstance + "/dimensions");
        ds.AddOrUpdate(new DicomSequence(DicomTags.DimensionOrganizationSequence, Item(Text(DicomTags.DimensionOrganizationUID, DicomVR.UI, dimensionUid))));
        ds.AddOrUpdate(DicomTags.DimensionOrganizationType, DicomVR.CS, "3D");
        ds.AddOrUpdate(new DicomSequence(
            DicomTags.DimensionIndexSequence,
            Item(
                Text(DicomTags.DimensionOrganizationUID, DicomVR.UI, dimensionUid),
                DicomElement.FromTags(DicomTags.DimensionIndexPointer, DicomTags.ReferencedSegmentNumber),
                DicomElement.FromTags(DicomTags.FunctionalGroupPointer, DicomTags.SegmentIdentificationSequence),
                Text(DicomTags.DimensionDescriptionLabel, DicomVR.LO, "ReferencedSegmentNumber")),
            Item(
                Text(DicomTags.DimensionOrganizationUID, DicomVR.UI, dimensionUid),
                DicomElement.FromTags(DicomTags.DimensionIndexPointer, DicomTags.ImagePositionPatient),
                DicomElement.FromTags(DicomTags.FunctionalGroupPointer, DicomTags.PlanePositionSequence),
                Text(DicomTags.DimensionDescriptionLabel, DicomVR.LO, "ImagePositionPatient"))));

        Affine3D g = src.Geometry;
        DicomDataset shared = Item(
            new DicomSequence(DicomTags.PixelMeasuresSequence, Item(
                Text(DicomTags.SliceThickness, DicomVR.DS, Ds(src.SliceThickness)),
                Text(DicomTags.SpacingBetweenSlices, DicomVR.DS, Ds(g.Spacing.Z)),
                Text(DicomTags.PixelSpacing, DicomVR.DS, Ds(g.Spacing.Y), Ds(g.Spacing.X)))),
            new DicomSequence(DicomTags.PlaneOrientationSequence, Item(
                Text(DicomTags.ImageOrientationPatient, DicomVR.DS, Ds(g.AxisI.X), Ds(g.AxisI.Y), Ds(g.AxisI.Z), Ds(g.AxisJ.X), Ds(g.AxisJ.Y), Ds(g.AxisJ.Z)))));
        ds.AddOrUpdate(new DicomSequence(DicomTags.SharedFunctionalGroupsSequence, shared));

        var perFrame = new List<DicomDataset>(frames.Count);
        foreach (var (segment, z) in frames)
        {
            perFrame.Add(FrameItem(src, segment, z));
        }

        ds.AddOrUpdate(new DicomSequence(DicomTags.PerFrameFunctionalGroupsSequence, perFrame));

        // Common Instance Reference: the source images.
        var instances = src.SourceImages
            .DistinctBy(static r => r.SopInstanceUid, StringComparer.Ordinal)
            .Select(static r => Item(Text(DicomTags.ReferencedSOPClassUID, DicomVR.UI, r.SopClassUid), Text(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, r.SopInstanceUid)));
        ds.AddOrUpdate(new DicomSequence(DicomTags.ReferencedSeriesSequence, Item(
            new DicomSequence(DicomTags.ReferencedInstanceSequence, instances),
            Text(DicomTags.SeriesInstanceUID, DicomVR.UI, src.SeriesInstanceUid))));

        return new Prepared(ds, segments, frames);
    }

    // ---------------------------------------------------------------- checks and scanning

    private static void ValidateRequest(SegmentationRequest request)
    {
        SeriesHeader src = request.Source;
        ArgumentNullException.ThrowIfNull(request.Layers);
        ArgumentNullException.ThrowIfNull(request.Segments);
        if (string.IsNullOrEmpty(src.FrameOfReferenceUid) || !DicomUid.IsValid(src.FrameOfReferenceUid))
        {
            throw new ArgumentException($"The source series has no valid Frame of Reference UID ('{src.FrameOfReferenceUid}'); a Segmentation needs one.", nameof(request));
        }

        if (src.SizeX > ushort.MaxValue || src.SizeY > ushort.MaxValue)
        {
            throw new ArgumentException($"A {src.SizeX}×{src.SizeY} slice does not fit Rows/Columns.", nameof(request));
        }

        foreach (Volume<ushort> layer in request.Layers)
        {
            if (layer is null || layer.SizeX != src.SizeX || layer.SizeY != src.SizeY || layer.SizeZ != src.SizeZ)
            {
                throw new ArgumentException($"Every label map must be on the source grid {src.SizeX}×{src.SizeY}×{src.SizeZ}.", nameof(request));
            }
        }

        if (request.Segments.Count is 0 or > ushort.MaxValue)
        {
            throw new ArgumentException($"A Segmentation needs 1 to {ushort.MaxValue} segments; {request.Segments.Count} given.", nameof(request));
        }

        foreach (SegmentInput s in request.Segments)
        {
            ArgumentNullException.ThrowIfNull(s);
            ArgumentNullException.ThrowIfNull(s.Description);
            if ((uint)s.Layer >= (uint)request.Layers.Count)
            {
                throw new ArgumentException($"Segment '{s.Description.Label}' names layer {s.Layer}; there are {request.Layers.Count}.", nameof(request));
            }

            if (s.AllLabels.Contains((ushort)0))
            {
                throw new ArgumentException($"Segment '{s.Description.Label}' has label 0 (background).", nameof(request));
            }

            if (string.IsNullOrWhiteSpace(s.Description.Label) || s.Description.Label.Length > 64 || s.Description.Label.Contains('\\', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Segment Label '{s.Description.Label}' must be 1–64 characters without backslashes.", nameof(request));
            }

            if (s.Description.TrackingUid is not null)
            {
                DicomUid.Validate(s.Description.TrackingUid);
            }
        }
    }

    /// <summary>
    /// For each segment and slice: the first and last row holding one of its voxels (-1 when none). One pass over each
    /// layer; the bounds let frames be packed from their occupied rows only.
    /// </summary>
    private static RowBounds[] FindPresence(SegmentationRequest request)
    {
        int sizeY = request.Source.SizeY, sizeX = request.Source.SizeX, sizeZ = request.Source.SizeZ;
        var bounds = new RowBounds[request.Segments.Count];
        for (int s = 0; s < bounds.Length; s++)
        {
            bounds[s] = new RowBounds(sizeZ);
        }

        for (int layer = 0; layer < request.Layers.Count; layer++)
        {
            var wanted = new List<int>?[ushort.MaxValue + 1];
            bool any = false;
            for (int s = 0; s < request.Segments.Count; s++)
            {
                if (request.Segments[s].Layer == layer)
                {
                    foreach (ushort label in request.Segments[s].AllLabels)
                    {
                        (wanted[label] ??= []).Add(s);
                    }

                    any = true;
                }
            }

            if (!any)
            {
                continue;
            }

            Volume<ushort> map = request.Layers[layer];
            var first = new int[ushort.MaxValue + 1];
            var last = new int[ushort.MaxValue + 1];
            Array.Fill(first, -1);
            var seenList = new List<ushort>();
            for (int z = 0; z < sizeZ; z++)
            {
                ReadOnlySpan<ushort> slice = map.Slice(z);
                for (int y = 0; y < sizeY; y++)
                {
                    // Only which labels a row holds matters: one look per run of equal values.
                    ReadOnlySpan<ushort> row = slice.Slice(y * sizeX, sizeX);
                    for (int x = 0; x < row.Length;)
                    {
                        ushort v = row[x];
                        int run = row[x..].IndexOfAnyExcept(v);
                        x = run < 0 ? row.Length : x + run;
                        if (v == 0 || wanted[v] is null)
                        {
                            continue;
                        }

                        if (first[v] < 0)
                        {
                            first[v] = y;
                            seenList.Add(v);
                        }

                        last[v] = y;
                    }
                }

                foreach (ushort v in seenList)
                {
                    foreach (int s in wanted[v]!)
                    {
                        RowBounds b = bounds[s];
                        b.First[z] = b.First[z] < 0 ? first[v] : Math.Min(b.First[z], first[v]);
                        b.Last[z] = Math.Max(b.Last[z], last[v]);
                    }

                    first[v] = -1;
                }

                seenList.Clear();
            }
        }

        return bounds;
    }

    private static long PixelDataLength(SegmentationRequest request, int frameCount)
    {
        long totalBits = (long)request.Source.SizeX * request.Source.SizeY * frameCount;
        long bytes = (totalBits + 7) / 8;
        bytes += bytes & 1;
        if (bytes > Array.MaxLength || bytes > uint.MaxValue - 1)
        {
            throw new ArgumentException($"The Segmentation's pixel data would need {bytes} bytes.", nameof(request));
        }

        return bytes;
    }

    private static byte[] PackFrames(SegmentationRequest request, List<(SegmentInput Input, int Number, RowBounds Rows)> segments, List<(int Segment, int Z)> frames)
    {
        var prepared = new Prepared(new DicomDataset(), segments, frames);
        var packed = new byte[PixelDataLength(request, frames.Count)];
        long frameBits = (long)request.Source.SizeX * request.Source.SizeY;
        long bit = 0;
        foreach (var (segment, z) in frames)
        {
            PackFrame(request, prepared, segment, z, packed, bit);
            bit += frameBits;
        }

        return packed;
    }

    /// <summary>Sets the bits of one frame (segment on slice z) in <paramref name="target"/>, starting at bit <paramref name="bit"/>.</summary>
    private static void PackFrame(SegmentationRequest request, Prepared prepared, int segment, int z, byte[] target, long bit)
    {
        var (input, _, rows) = prepared.Segments[segment - 1];
        int firstRow = rows.First[z];
        if (firstRow < 0)
        {
            return;
        }

        int sizeX = request.Source.SizeX;
        ReadOnlySpan<ushort> slice = request.Layers[input.Layer].Slice(z);
        ushort label = input.Label;
        bool[]? also = input.AlsoLabels is { Count: > 0 } ? prepared.MembersOf(segment) : null;
        int end = (rows.Last[z] + 1) * sizeX;
        for (int i = firstRow * sizeX; i < end; i++)
        {
            ushort v = slice[i];
            if (v == label || (also is not null && also[v]))
            {
                long b = bit + i;
                target[b >> 3] |= (byte)(1 << (int)(b & 7));
            }
        }
    }

    private static bool[] Members(SegmentInput input)
    {
        var set = new bool[ushort.MaxValue + 1];
        foreach (ushort v in input.AllLabels)
        {
            set[v] = true;
        }

        return set;
    }

    /// <summary>The data set without pixel data, the segments written and the frames in order.</summary>
    private sealed class Prepared(DicomDataset dataset, List<(SegmentInput Input, int Number, RowBounds Rows)> segments, List<(int Segment, int Z)> frames)
    {
        private readonly bool[]?[] members = new bool[]?[segments.Count];

        public DicomDataset Dataset { get; } = dataset;

        public List<(SegmentInput Input, int Number, RowBounds Rows)> Segments { get; } = segments;

        public List<(int Segment, int Z)> Frames { get; } = frames;

        /// <summary>Which label values belong to the segment (built once per segment with further labels).</summary>
        public bool[] MembersOf(int segment) => members[segment - 1] ??= Members(Segments[segment - 1].Input);
    }

    /// <summary>
    /// A window of the packed pixel data: frames are packed into it at their bit offset, and whole bytes before the next
    /// frame are written out when it fills (frames are not byte-aligned, so the last partial byte moves to the front).
    /// </summary>
    private sealed class FrameWindow(Stream stream, int frameBits, int windowBytes)
    {
        private long windowStart; // byte offset in the pixel data of Buffer[0]
        private long bit;         // bit offset in the pixel data of the next frame

        public byte[] Buffer { get; } = new byte[Math.Max(windowBytes, (frameBits / 8) + 2)];

        /// <summary>Bit offset of the next frame within <see cref="Buffer"/>.</summary>
        public long BitOffset => bit - (windowStart * 8);

        /// <summary>Makes room in the window for the next frame.</summary>
        public async ValueTask ReserveAsync(CancellationToken cancellationToken)
        {
            long lastByte = (bit + frameBits - 1) >> 3;
            if (lastByte - windowStart < Buffer.Length)
            {
                return;
            }

            int complete = (int)((bit >> 3) - windowStart);
            await stream.WriteAsync(Buffer.AsMemory(0, complete), cancellationToken).ConfigureAwait(false);
            Buffer[0] = complete < Buffer.Length ? Buffer[complete] : (byte)0;
            Array.Clear(Buffer, 1, Buffer.Length - 1);
            windowStart += complete;
        }

        public void Advance() => bit += frameBits;

        /// <summary>Writes the rest, padded with zero bytes to the total length.</summary>
        public async ValueTask FinishAsync(long totalBytes, CancellationToken cancellationToken)
        {
            long remaining = totalBytes - windowStart;
            while (remaining > 0)
            {
                int n = (int)Math.Min(remaining, Buffer.Length);
                await stream.WriteAsync(Buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                Array.Clear(Buffer);
                remaining -= n;
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Per slice: first and last occupied row of one segment, -1 where the slice holds none of it.</summary>
    private sealed class RowBounds
    {
        public RowBounds(int sizeZ)
        {
            First = new int[sizeZ];
            Last = new int[sizeZ];
            Array.Fill(First, -1);
            Array.Fill(Last, -1);
        }

        public int[] First { get; }

        public int[] Last { get; }

        public bool Any => First.Any(static f => f >= 0);
    }

    // ---------------------------------------------------------------- items

    private static DicomDataset SegmentItem(SegmentDescription d, int number, string sopInstance)
    {
        var item = new DicomDataset(
            DicomElement.FromValues(DicomTags.SegmentNumber, DicomVR.US, checked((ushort)number)),
            Text(DicomTags.SegmentLabel, DicomVR.LO, d.Label),
            new DicomSequence(DicomTags.SegmentedPropertyCategoryCodeSequence, Code(d.Category)),
            Text(DicomTags.SegmentAlgorithmType, DicomVR.CS, d.Algorithm is null ? "MANUAL" : "AUTOMATIC"),
            DicomElement.FromValues(DicomTags.RecommendedDisplayCIELabValue, DicomVR.US, CieLab.FromRgb(d.Color)));
        DicomDataset type = Code(d.Type);
        if (d.TypeModifier is not null)
        {
            type.Add(new DicomSequence(DicomTags.SegmentedPropertyTypeModifierCodeSequence, Code(d.TypeModifier)));
        }

        item.Add(new DicomSequence(DicomTags.SegmentedPropertyTypeCodeSequence, type));
        if (!string.IsNullOrEmpty(d.Description))
        {
            item.Add(Text(DicomTags.SegmentDescription, DicomVR.ST, d.Description));
        }

        if (d.Algorithm is { } algorithm)
        {
            item.Add(Text(DicomTags.SegmentAlgorithmName, DicomVR.LO, algorithm.Name));
            item.Add(new DicomSequence(DicomTags.SegmentationAlgorithmIdentificationSequence, Item(
                new DicomSequence(DicomTags.AlgorithmFamilyCodeSequence, Code(algorithm.FamilyOrDefault)),
                Text(DicomTags.AlgorithmName, DicomVR.LO, algorithm.Name),
                Text(DicomTags.AlgorithmVersion, DicomVR.LO, algorithm.Version))));
        }

        if (!string.IsNullOrEmpty(d.TrackingId))
        {
            item.Add(Text(DicomTags.TrackingID, DicomVR.UT, d.TrackingId));
            item.Add(Text(DicomTags.TrackingUID, DicomVR.UI, d.TrackingUid ?? DicomUid.FromName(sopInstance + "/tracking/" + d.TrackingId)));
        }

        return item;
    }

    private static DicomDataset FrameItem(SeriesHeader src, int segment, int z)
    {
        SeriesSlice slice = src.Slices[z];

        // The source image's own position (not the idealised grid's), so viewers match frames to images exactly.
        Vec3 p = slice.Source is null ? src.Geometry.IndexToWorld(0, 0, z) : slice.Position;
        var item = new DicomDataset(
            new DicomSequence(DicomTags.FrameContentSequence, Item(DicomElement.FromValues(DicomTags.DimensionIndexValues, DicomVR.UL, (uint)segment, (uint)(z + 1)))),
            new DicomSequence(DicomTags.PlanePositionSequence, Item(Text(DicomTags.ImagePositionPatient, DicomVR.DS, Ds(p.X), Ds(p.Y), Ds(p.Z)))),
            new DicomSequence(DicomTags.SegmentIdentificationSequence, Item(DicomElement.FromValues(DicomTags.ReferencedSegmentNumber, DicomVR.US, checked((ushort)segment)))));
        if (slice.Source is { } source)
        {
            DicomDataset sourceItem = Item(
                Text(DicomTags.ReferencedSOPClassUID, DicomVR.UI, source.SopClassUid),
                Text(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, source.SopInstanceUid),
                new DicomSequence(DicomTags.PurposeOfReferenceCodeSequence, Code(new CodedConcept("121322", "DCM", "Source image for image processing operation"))));
            if (source.FrameNumber > 0)
            {
                sourceItem.Add(Text(DicomTags.ReferencedFrameNumber, DicomVR.IS, source.FrameNumber.ToString(CultureInfo.InvariantCulture)));
            }

            item.Add(new DicomSequence(DicomTags.DerivationImageSequence, Item(
                new DicomSequence(DicomTags.DerivationCodeSequence, Code(new CodedConcept("113076", "DCM", "Segmentation"))),
                new DicomSequence(DicomTags.SourceImageSequence, sourceItem))));
        }
        else
        {
            // An interpolated slice derives from no single image; the sequence is type 2, so it is present and empty.
            item.Add(new DicomSequence(DicomTags.DerivationImageSequence));
        }

        return item;
    }

    private static DicomDataset Item(params DicomElement[] elements) => new(elements);

    private static DicomElement Text(DicomTag tag, DicomVR vr, params string[] values) => DicomElement.FromStrings(tag, vr, values);

    internal static DicomDataset Code(CodedConcept c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return Item(
            c.Code.Length <= 16 ? Text(DicomTags.CodeValue, DicomVR.SH, c.Code) : Text(DicomTags.LongCodeValue, DicomVR.UC, c.Code),
            Text(DicomTags.CodingSchemeDesignator, DicomVR.SH, c.Scheme),
            Text(DicomTags.CodeMeaning, DicomVR.LO, c.Meaning.Length <= 64 ? c.Meaning : c.Meaning[..64]));
    }

    /// <summary>A decimal string of at most 16 characters.</summary>
    internal static string Ds(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"{value} cannot be written as a decimal string.", nameof(value));
        }

        if (Math.Abs(value) < 1e-10)
        {
            return "0";
        }

        for (int digits = 15; digits > 0; digits--)
        {
            string s = value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (s.Length <= 16)
            {
                return s;
            }
        }

        return value.ToString("E6", CultureInfo.InvariantCulture);
    }
}
