using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Imaging.Series;

/// <summary>How DICOM files are grouped, checked and turned into volumes.</summary>
public sealed class SeriesLoadOptions
{
    public static SeriesLoadOptions Default { get; } = new();

    /// <summary>Largest stack only (default) or every stack.</summary>
    public StackSelection Stacks { get; init; } = StackSelection.Largest;

    /// <summary>Stacks with missing slices or uneven spacing: reject (default) or resample to the median spacing.</summary>
    public GeometryPolicy NonUniformSpacing { get; init; } = GeometryPolicy.Reject;

    /// <summary>Gantry-tilted stacks (slice positions not along the slice normal): reject (default) or resample orthogonally.</summary>
    public GeometryPolicy GantryTilt { get; init; } = GeometryPolicy.Reject;

    /// <summary>Positions closer than this along the normal are the same slice; also the tilt and spacing tolerance (mm).</summary>
    public double PositionToleranceMm { get; init; } = 0.01;

    /// <summary>Relative tolerance for slice spacing (fraction of the median spacing).</summary>
    public double SpacingTolerance { get; init; } = 0.01;

    /// <summary>Value for voxels outside the source images when resampling (HU).</summary>
    public float OutsideValue { get; init; } = -1024f;

    /// <summary>Files decoded at the same time (default: up to 4, at most the processor count).</summary>
    public int MaxParallelism { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Largest number of files read.</summary>
    public int MaxFiles { get; init; } = 100_000;

    /// <summary>Where the loader logs its decisions (files skipped, stacks dropped, slices resampled) and what it loaded; nothing by default.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Checks the options.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(LoggerFactory);
        if (!double.IsFinite(PositionToleranceMm) || PositionToleranceMm <= 0 || PositionToleranceMm > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(PositionToleranceMm), PositionToleranceMm, "Position tolerance must be in (0, 10] mm.");
        }

        if (!double.IsFinite(SpacingTolerance) || SpacingTolerance <= 0 || SpacingTolerance >= 0.5)
        {
            throw new ArgumentOutOfRangeException(nameof(SpacingTolerance), SpacingTolerance, "Spacing tolerance must be in (0, 0.5).");
        }

        if (!float.IsFinite(OutsideValue))
        {
            throw new ArgumentOutOfRangeException(nameof(OutsideValue), OutsideValue, "Outside value must be finite.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFiles, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParallelism, 1);
        if (!Enum.IsDefined(Stacks) || !Enum.IsDefined(NonUniformSpacing) || !Enum.IsDefined(GantryTilt))
        {
            throw new ArgumentOutOfRangeException(nameof(Stacks), "Unknown policy value.");
        }
    }
}
