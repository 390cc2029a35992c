using System.CommandLine;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Evaluation;

namespace ContinualSegment.Cli.Commands;

/// <summary><c>cseg evaluate</c>: Dice, HD95 and surface Dice of predicted label maps against the truth.</summary>
public static class EvaluateCommand
{
    public static Command Create(TextWriter output)
    {
        var pred = new Option<string>("--pred") { Description = "Directory of predicted label maps (*.nii.gz).", Required = true };
        var truth = new Option<string>("--truth") { Description = "Directory of ground-truth label maps with the same file names.", Required = true };
        var task = new Option<string?>("--task") { Description = "Task whose local labels the maps hold (default: catalogue indices 1–143)." };
        var json = new Option<string?>("--json") { Description = "Where to write the JSON report (default: PRED/evaluation.json; Markdown beside it)." };
        var command = new Command("evaluate", "Score predicted label maps: per-structure Dice, HD95, surface Dice at 1 and 2 mm, per-task means.")
        {
            pred, truth, task, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var predDir = Path.GetFullPath(parse.GetValue(pred)!);
            var truthDir = Path.GetFullPath(parse.GetValue(truth)!);
            foreach (var dir in new[] { predDir, truthDir })
            {
                if (!Directory.Exists(dir))
                {
                    throw new DirectoryNotFoundException($"directory not found: {dir}");
                }
            }

            var report = await DirectoryEvaluator.EvaluateAsync(predDir, truthDir, StructureCatalogue.LoadDefault(), parse.GetValue(task), cancellationToken).ConfigureAwait(false);
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
