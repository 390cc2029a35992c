using System.CommandLine;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Results;
using ContinualSegment.Imaging.Segmentation;

namespace ContinualSegment.Cli.Commands;

/// <summary><c>cseg results write</c>: DICOM-SEG and RTSTRUCT for an existing label map on a CT series.</summary>
public static class ResultsCommand
{
    public static Command Create(TextWriter output)
    {
        var series = new Option<string>("--series") { Description = "The CT series directory.", Required = true };
        var labels = new Option<string>("--labels") { Description = "The label map (NIfTI) on the series' grid or in its space.", Required = true };
        var outDir = new Option<string>("--out") { Description = "Output directory for seg.dcm and rtstruct.dcm.", Required = true };
        var task = new Option<string?>("--task") { Description = "Task whose local labels the map holds (default: dataset.json beside the map, else catalogue indices 1–143)." };
        var write = new Command("write", "Write DICOM-SEG and RTSTRUCT for a label map (catalogue names, codes and colours).") { series, labels, outDir, task };
        write.SetAction(async (parse, ct) =>
        {
            var result = await ResultsWriter.WriteAsync(
                new ResultsRequest(
                    Path.GetFullPath(parse.GetValue(series)!),
                    Path.GetFullPath(parse.GetValue(labels)!),
                    Path.GetFullPath(parse.GetValue(outDir)!),
                    parse.GetValue(task),
                    new SegmentAlgorithm("ContinualSegment", PrintVersionAction.Version)),
                StructureCatalogue.LoadDefault(),
                ct).ConfigureAwait(false);
            await output.WriteLineAsync($"wrote {result.SegmentationPath} and {result.StructureSetPath}: {result.Structures.Count} structure(s){(result.Task is null ? string.Empty : $" of task {result.Task}")}{(result.Resampled ? ", label map resampled onto the series grid" : string.Empty)}").ConfigureAwait(false);
            return CsegApp.Success;
        });
        var command = new Command("results", "Result objects: DICOM-SEG and RTSTRUCT.");
        command.Subcommands.Add(write);
        return command;
    }
}
