using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Imaging.Results;

/// <summary>The clock and logging of <see cref="ResultsWriter"/>.</summary>
public sealed class ResultsWriterOptions
{
    public static ResultsWriterOptions Default { get; } = new();

    /// <summary>The clock that dates the Segmentation and the structure set.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the writer and the writers it calls log (files written, with timings); nothing by default.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>
    /// When set, the Segmentation's and the structure set's Series and SOP Instance UIDs are derived from this name
    /// (<c>DicomUid.FromName</c>), so writing the same results again (a retried job) gives the same UIDs; when null they are new.
    /// </summary>
    public string? UidSeed { get; init; }

    /// <summary>Writes seg.dcm in Deflated Explicit VR Little Endian (see <see cref="Segmentation.SegmentationOptions.Deflate"/>).</summary>
    public bool DeflateSegmentation { get; init; }
}
