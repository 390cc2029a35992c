namespace ContinualSegment.Model.Pipeline;

/// <summary>
/// What one segmentation did, as written to <c>report.json</c> (format <see cref="FormatName"/>; serialised with
/// <see cref="SegmentationReportJsonContext"/>, property names in camelCase).
/// </summary>
/// <param name="Format">Always <see cref="FormatName"/>.</param>
/// <param name="Software">Name and version of the software that wrote it.</param>
/// <param name="Created">When (ISO 8601, round-trip format, UTC).</param>
/// <param name="Input">The input and the series the results refer to.</param>
/// <param name="Model">The model and the grid it ran on.</param>
/// <param name="Decoders">What happened to every decoder of the model directory.</param>
/// <param name="DecodersUsed">The decoders that ran.</param>
/// <param name="DecodersSkipped">The decoders that did not run, with why.</param>
/// <param name="TimingsSeconds">Wall-clock seconds per phase, in order (rounded to ms).</param>
/// <param name="PipelineSeconds">Seconds of the pipeline's phases together.</param>
/// <param name="TotalSeconds">Seconds from the model's load to the report (the model's load included).</param>
/// <param name="PeakMemoryBytes">The process's peak resident memory, where it can be read.</param>
/// <param name="Structures">The structures found, in label order.</param>
/// <param name="Outputs">The files written into the output directory (names).</param>
public sealed record SegmentationReport(
    string Format,
    string Software,
    string Created,
    SegmentationReportInput Input,
    SegmentationReportModel Model,
    IReadOnlyList<SegmentationReportDecoder> Decoders,
    IReadOnlyList<string> DecodersUsed,
    IReadOnlyList<SegmentationReportSkip> DecodersSkipped,
    IReadOnlyDictionary<string, double> TimingsSeconds,
    double PipelineSeconds,
    double TotalSeconds,
    long? PeakMemoryBytes,
    IReadOnlyList<SegmentationReportStructure> Structures,
    IReadOnlyList<string> Outputs)
{
    /// <summary>The report format written in <see cref="Format"/>.</summary>
    public const string FormatName = "cseg-segment-report/1";
}
