using System.CommandLine;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Evaluation;

namespace ContinualSegment.Cli.Commands;

/// <summary><c>cseg evaluate</c>: Dice, HD95 and surface Dice of predicted label maps against the truth.</summary>
public static class EvaluateCommand
{
    public static Command Create(TextWriter output)
    {
        var pred = new Option<string>("--pred") { Description = "Directory of predictions: label maps (CASE.nii.gz) or our DICOM-SEG objects (CASE.dcm, CASE/seg.dcm).", Required = true };
        var truth = new Option<string>("--truth") { Description = "Directory of ground truth with the same case names (NIfTI label maps or DICOM-SEG).", Required = true };
        var series = new Option<string?>("--series") { Description = "Directory of the CT series (one folder per case, as cseg phantom --dicom writes them): SEG objects are read on their referenced series' grid and matched to cases by it." };
        var task = new Option<string?>("--task") { Description = "Task whose local labels the maps hold (default: catalogue indices 1–143)." };
        var json = new Option<string?>("--json") { Description = "Where to write the JSON report (default: PRED/evaluation.json; Markdown beside it)." };
        var command = new Command("evaluate", "Score predicted label maps or DICOM-SEG objects: per-structure Dice, HD95, surface Dice at 1 and 2 mm, per-task means.")
        {
            pred, truth, task, json, series,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var predDir = Path.GetFullPath(parse.GetValue(pred)!);
            var truthDir = Path.GetFullPath(parse.GetValue(truth)!);
            var seriesDir = parse.GetValue(series) is { } s ? Path.GetFullPath(s) : null;
            foreach (var dir in seriesDir is null ? new[] { predDir, truthDir } : [predDir, truthDir, seriesDir])
            {
                if (!Directory.Exists(dir))
                {
                    throw new DirectoryNotFoundException($"directory not found: {dir}");
                }
            }

            var report = await DirectoryEvaluator.EvaluateAsync(predDir, truthDir, StructureCatalogue.LoadDefault(), parse.GetValue(task), cancellationToken, null, seriesDir).ConfigureAwait(false);
            var jsonPath = Path.GetFullPath(parse.GetValue(json) ?? Path.Combine(predDir, "evaluation.json"));
            await File.WriteAllTextAsync(jsonPath, EvaluationReportWriter.ToJson(report), cancellationToken).ConfigureAwait(false);
            var markdown = EvaluationReportWriter.ToMarkdown(report);
            await File.WriteAllTextAsync(Path.ChangeExtension(jsonPath, ".md"), markdown, cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(markdown).ConfigureAwait(false);
            await output.WriteLineAsync($"wrote {jsonPath}").ConfigureAwait(false);
            return CsegApp.Success;
        });
        return command;
    }
}
