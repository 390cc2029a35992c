using ContinualSegment.Imaging.Preview;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContinualSegment.Model.Pipeline;

/// <summary>Settings of <see cref="SegmentationUseCase"/>.</summary>
public sealed record SegmentationUseCaseOptions
{
    /// <summary>The software named in the report and as the SEG's algorithm.</summary>
    public string SoftwareName { get; init; } = "ContinualSegment";

    /// <summary>Its version.</summary>
    public string SoftwareVersion { get; init; } = "0.0.0";

    /// <summary>The clock of the report's timestamp and of a NIfTI input's study date.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the use case logs.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>How the preview is drawn.</summary>
    public PreviewOptions Preview { get; init; } = new();

    /// <summary>Largest model grid (voxels) an input may need; larger inputs are refused before any allocation.</summary>
    public long MaxModelGridVoxels { get; init; } = 1L << 30;

    /// <summary>Writes seg.dcm in Deflated Explicit VR Little Endian: about a hundredfold smaller for a whole-body CT; readers must support it.</summary>
    public bool DeflateSegmentation { get; init; }

    /// <summary>Whether labels.nii.gz (the label map on the input grid) is written; a node route that sends only DICOM skips it.</summary>
    public bool WriteLabels { get; init; } = true;

    /// <summary>Whether preview.png is written.</summary>
    public bool WritePreview { get; init; } = true;

    /// <summary>The decoders to run (a node route's choice); empty: every enabled decoder of the model.</summary>
    public IReadOnlyList<string> Decoders { get; init; } = [];
}
