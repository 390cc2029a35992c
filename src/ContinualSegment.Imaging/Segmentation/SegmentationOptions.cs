using ContinualSegment.Dicom;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Imaging.Segmentation;

/// <summary>How the Segmentation instance is labelled and identified.</summary>
public sealed class SegmentationOptions
{
    public static SegmentationOptions Default { get; } = new();

    public string SeriesDescription { get; init; } = "Auto-segmentation";

    public int SeriesNumber { get; init; } = 901;

    public int InstanceNumber { get; init; } = 1;

    /// <summary>Content Label (CS: up to 16 of A–Z, 0–9, space, underscore).</summary>
    public string ContentLabel { get; init; } = "AUTOSEG";

    public string ContentDescription { get; init; } = "Automatic segmentation";

    /// <summary>Content Creator's Name (PN); may be empty.</summary>
    public string ContentCreatorName { get; init; } = string.Empty;

    public string Manufacturer { get; init; } = "ContinualSegment";

    public string ManufacturerModelName { get; init; } = "ContinualSegment";

    public string DeviceSerialNumber { get; init; } = "1";

    public string SoftwareVersions { get; init; } = "0.1.0";

    /// <summary>Series Instance UID of the new series; generated when null (give one to make retries idempotent).</summary>
    public string? SeriesInstanceUid { get; init; }

    /// <summary>
    /// SOP Instance UID; generated when null. Tracking and dimension organization UIDs derive from it, so the same
    /// request with the same SOP and Series Instance UIDs and <see cref="ContentDateTime"/> gives identical bytes.
    /// </summary>
    public string? SopInstanceUid { get; init; }

    /// <summary>Content and instance creation date/time; now (local time of <see cref="TimeProvider"/>) when null.</summary>
    public DateTimeOffset? ContentDateTime { get; init; }

    /// <summary>The clock that dates the instance when <see cref="ContentDateTime"/> is null.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the writer logs what it wrote (segments, frames, bytes, time taken); nothing by default.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>
    /// Keep segments without any voxel in the Segment Sequence (default). They get no frames; when no segment has a
    /// voxel, one all-zero frame of segment 1 on the first slice keeps Number of Frames ≥ 1.
    /// </summary>
    public bool IncludeEmptySegments { get; init; } = true;

    /// <summary>
    /// Writes the file in Deflated Explicit VR Little Endian (fastest deflate level) instead of Explicit VR Little Endian:
    /// the bit-packed masks of a whole-body CT shrink about a hundredfold, on disk and on the wire. Readers must support
    /// that transfer syntax (a C-STORE sender converts for a peer that does not accept it).
    /// </summary>
    public bool Deflate { get; init; }

    /// <summary>Checks every value is writable.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(ContentLabel) || ContentLabel.Length > 16 || !ContentLabel.All(static c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or ' ' or '_'))
        {
            throw new ArgumentException("Content Label must be 1–16 characters of A–Z, 0–9, space or underscore.", nameof(ContentLabel));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(SeriesNumber);
        ArgumentOutOfRangeException.ThrowIfNegative(InstanceNumber);
        CheckLength(SeriesDescription, 64, nameof(SeriesDescription));
        CheckLength(ContentDescription, 64, nameof(ContentDescription));
        CheckLength(Manufacturer, 64, nameof(Manufacturer));
        CheckLength(ManufacturerModelName, 64, nameof(ManufacturerModelName));
        CheckLength(DeviceSerialNumber, 64, nameof(DeviceSerialNumber));
        CheckLength(SoftwareVersions, 64, nameof(SoftwareVersions));
        CheckLength(ContentCreatorName, 64, nameof(ContentCreatorName));
        if (string.IsNullOrWhiteSpace(Manufacturer) || string.IsNullOrWhiteSpace(ManufacturerModelName) || string.IsNullOrWhiteSpace(DeviceSerialNumber) || string.IsNullOrWhiteSpace(SoftwareVersions))
        {
            throw new ArgumentException("Manufacturer, model name, device serial number and software versions are required (Enhanced General Equipment).");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(LoggerFactory);
        if (SeriesInstanceUid is not null)
        {
            DicomUid.Validate(SeriesInstanceUid);
        }

        if (SopInstanceUid is not null)
        {
            DicomUid.Validate(SopInstanceUid);
        }
    }

    private static void CheckLength(string value, int max, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Length > max || value.Contains('\\', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{name} must be at most {max} characters without backslashes.", name);
        }
    }
}
