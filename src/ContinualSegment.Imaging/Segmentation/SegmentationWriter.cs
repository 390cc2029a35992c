using System.Diagnostics;
using System.IO.Compression;
using ContinualSegment.Dicom;
using Microsoft.Extensions.Logging;

namespace ContinualSegment.Imaging.Segmentation;

/// <summary>
/// Builds a binary DICOM Segmentation instance (SOP Class 1.2.840.10008.5.1.4.1.1.66.4) on the grid of a source series.
/// One frame per segment and slice where the segment has a voxel (empty frames are omitted), ordered by segment number
/// then slice; the frames' bits are packed continuously (a frame starts at any bit, least significant bit first).
/// Masks are never materialised: label maps are scanned once for which segments occur on which slice
/// (<see cref="FramePlan"/>), the data set is assembled without pixel data (<see cref="SegmentationModules"/>), and
/// each frame's bits are set from its slice, into memory or streamed through a small window (<see cref="FrameWindow"/>).
/// </summary>
public static class SegmentationWriter
{
    public const string SegmentationStorage = "1.2.840.10008.5.1.4.1.1.66.4";

    private const int DefaultWindowBytes = 1 << 20;

    /// <summary>Builds the Segmentation as a data set.</summary>
    /// <exception cref="ArgumentException">The request is inconsistent (grid, layers, labels, segment texts).</exception>
    public static DicomDataset Build(SegmentationRequest request, SegmentationOptions? options = null)
    {
        var (dataset, plan) = Prepare(request, ref options);
        dataset.AddOrUpdate(new DicomElement(DicomTags.PixelData, DicomVR.OB, plan.PackAll()));
        return dataset;
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
        var watch = Stopwatch.StartNew();
        var (dataset, plan) = Prepare(request, ref options);
        await using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            await WriteAsync(dataset, plan, stream, DefaultWindowBytes, options!.Deflate, cancellationToken).ConfigureAwait(false);
        }

        ILogger logger = Logger(options);
        Log.SegmentationWritten(logger, plan.Segments.Count, plan.Frames.Count, plan.PixelDataLength, watch.Elapsed.TotalMilliseconds);
    }

    /// <summary>Writes the Segmentation file to a stream (see <see cref="WriteAsync(SegmentationRequest, string, SegmentationOptions?, CancellationToken)"/>).</summary>
    public static Task WriteAsync(SegmentationRequest request, Stream stream, SegmentationOptions? options, CancellationToken cancellationToken) =>
        WriteAsync(request, stream, options, DefaultWindowBytes, cancellationToken);

    /// <summary>As the public overload, with the window size given (tests make it small to exercise its flushing).</summary>
    internal static async Task WriteAsync(SegmentationRequest request, Stream stream, SegmentationOptions? options, int windowBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (dataset, plan) = Prepare(request, ref options);
        await WriteAsync(dataset, plan, stream, windowBytes, options!.Deflate, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteAsync(DicomDataset ds, FramePlan plan, Stream stream, int windowBytes, bool deflate, CancellationToken cancellationToken)
    {
        var syntax = deflate ? DicomTransferSyntax.DeflatedExplicitVRLittleEndian : DicomTransferSyntax.ExplicitVRLittleEndian;
        if (ds.Any(static e => e.Tag.CompareTo(DicomTags.PixelData) > 0))
        {
            // Something sorts after Pixel Data (copied from the source): write it in memory, in tag order.
            ds.AddOrUpdate(new DicomElement(DicomTags.PixelData, DicomVR.OB, plan.PackAll()));
            await new DicomFile(ds, syntax).SaveAsync(stream, new DicomWriteOptions { DeflateLevel = CompressionLevel.Fastest }, cancellationToken).ConfigureAwait(false);
            return;
        }

        using (var meta = new MemoryStream())
        {
            new DicomFile(ds, syntax).SaveFileMetaInformation(meta);
            meta.Position = 0;
            await meta.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        if (!deflate)
        {
            await WriteBodyAsync(ds, plan, stream, windowBytes, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Deflated: the whole data set (header, Pixel Data element, frames) through one raw deflate stream.
        var deflater = new DeflatedDataSetStream(stream, CompressionLevel.Fastest);
        await using (deflater.ConfigureAwait(false))
        {
            await WriteBodyAsync(ds, plan, deflater, windowBytes, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The data set in Explicit VR Little Endian without Pixel Data, the Pixel Data element's header, then the frames.</summary>
    private static async Task WriteBodyAsync(DicomDataset ds, FramePlan plan, Stream stream, int windowBytes, CancellationToken cancellationToken)
    {
        var syntax = DicomTransferSyntax.ExplicitVRLittleEndian;
        using (var header = new MemoryStream())
        {
            DicomDatasetWriter.Write(header, ds, syntax);
            var element = new byte[DicomDatasetWriter.MaxElementHeaderLength];
            int length = DicomDatasetWriter.EncodeElementHeader(element, DicomTags.PixelData, DicomVR.OB, checked((uint)plan.PixelDataLength), syntax);
            header.Write(element, 0, length);
            header.Position = 0;
            await header.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        var window = new FrameWindow(stream, plan.FrameBits, windowBytes);
        foreach (var (segment, z) in plan.Frames)
        {
            await window.ReserveAsync(cancellationToken).ConfigureAwait(false);
            plan.PackFrame(segment, z, window.Buffer, window.BitOffset);
            window.Advance();
        }

        await window.FinishAsync(plan.PixelDataLength, cancellationToken).ConfigureAwait(false);
    }

    private static (DicomDataset Dataset, FramePlan Plan) Prepare(SegmentationRequest request, ref SegmentationOptions? options)
    {
        ArgumentNullException.ThrowIfNull(request);
        options ??= SegmentationOptions.Default;
        options.Validate();
        _ = request.Source ?? throw new ArgumentException("The request needs a source series.", nameof(request));
        FramePlan plan = FramePlan.Create(request, options);
        DateTimeOffset now = options.ContentDateTime ?? options.TimeProvider.GetLocalNow();
        DicomDataset dataset = SegmentationModules.Build(request, options, plan, now);
        ILogger logger = Logger(options);
        Log.SegmentationPlanned(logger, request.Segments.Count, plan.Segments.Count, plan.Frames.Count);
        return (dataset, plan);
    }

    private static ILogger Logger(SegmentationOptions? options) =>
        (options ?? SegmentationOptions.Default).LoggerFactory.CreateLogger(typeof(SegmentationWriter).FullName!);
}
