using System.CommandLine;
using ContinualSegment.Imaging;
using ContinualSegment.Imaging.Evaluation;
using ContinualSegment.Model.Datasets;

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
        var labels = new Option<string?>("--labels") { Description = "An nnU-Net dataset folder (its dataset.json) whose label values the NIfTI maps hold, e.g. one cseg phantom --host-organs wrote; only its classes are scored, an organ with the lesions inside it." };
        var json = new Option<string?>("--json") { Description = "Where to write the JSON report (default: PRED/evaluation.json; Markdown beside it)." };
        var command = new Command("evaluate", "Score predicted label maps or DICOM-SEG objects: per-structure Dice, HD95, surface Dice at 1 and 2 mm, per-task means.")
        {
            pred, truth, task, json, series, labels,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(labels) is not null && r.GetValue(task) is not null)
            {
                r.AddError("give --task or --labels, not both");
            }
        });
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

            var catalogue = StructureCatalogue.LoadDefault();
            var classes = parse.GetValue(labels) is { } l ? (await NnUnetDataset.OpenAsync(Path.GetFullPath(l), catalogue, cancellationToken).ConfigureAwait(false)).Classes : null;
            var report = await DirectoryEvaluator.EvaluateAsync(predDir, truthDir, catalogue, parse.GetValue(task), cancellationToken, null, seriesDir, classes).ConfigureAwait(false);
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
