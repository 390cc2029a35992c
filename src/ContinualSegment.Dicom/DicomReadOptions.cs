using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Dicom;

/// <summary>Options for reading DICOM files and data sets.</summary>
public sealed class DicomReadOptions
{
    /// <summary>The largest single value length accepted (bytes); larger lengths raise <see cref="DicomException"/> before any allocation. Default 1 GiB.</summary>
    public long MaxElementLength { get; init; } = 1L << 30;

    /// <summary>The largest inflated size of a deflated data set (bytes). Default 1 GiB.</summary>
    public long MaxInflatedLength { get; init; } = 1L << 30;

    /// <summary>When set, reading stops before the first top-level element whose tag is at or above this one (e.g. PixelData for fast header reads).</summary>
    public DicomTag? StopBeforeTag { get; init; }

    /// <summary>Text codec given to the data sets read (null: the built-in ASCII/Latin-1/UTF-8 one).</summary>
    public IDicomTextDecoder? TextDecoder { get; init; }

    /// <summary>Maximum nesting depth of sequences. Default 64.</summary>
    public int MaxSequenceDepth { get; init; } = 64;

    /// <summary>
    /// <see cref="DicomFile.OpenMapped"/> maps files of at least this many bytes instead of reading them into memory.
    /// Default 64 MiB; 0 maps every file.
    /// </summary>
    public long MemoryMapThreshold { get; init; } = 64L << 20;

    /// <summary>Where the reader logs what it tolerates in a malformed data set (stray delimiters, trailing padding); nothing by default.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    public static DicomReadOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for meaningless settings.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxElementLength, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxElementLength, (long)Array.MaxLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInflatedLength, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxInflatedLength, (long)Array.MaxLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSequenceDepth, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(MemoryMapThreshold);
        ArgumentNullException.ThrowIfNull(Logger);
    }
}
