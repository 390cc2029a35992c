using ContinualSegment.Imaging;

namespace ContinualSegment.Model.Pipeline;

/// <summary>What <see cref="SegmentationUseCase.RunAsync"/> produced.</summary>
/// <param name="Labels">The label map (catalogue values, 0 = background) on the input's own grid: same size and geometry as the input volume.</param>
/// <param name="Report">The report (also in report.json when an output directory was given).</param>
/// <param name="Decisions">What the pipeline did with every decoder.</param>
/// <param name="OutputDirectory">Where the files were written, or null for an in-memory run.</param>
/// <param name="WrittenFiles">Full paths of the files written (empty for an in-memory run).</param>
public sealed record SegmentationOutcome(
    Volume<ushort> Labels,
    SegmentationReport Report,
    IReadOnlyList<DecoderDecision> Decisions,
    string? OutputDirectory,
    IReadOnlyList<string> WrittenFiles)
{
    /// <summary>How many structures were found.</summary>
    public int StructureCount => Report.Structures.Count;

    /// <summary>Seconds of the pipeline's phases.</summary>
    public double PipelineSeconds => Report.PipelineSeconds;
}
