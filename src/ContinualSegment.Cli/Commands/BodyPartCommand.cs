using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ContinualSegment.Imaging;
using ContinualSegment.Model.BodyPart;
using ContinualSegment.Model.Datasets;
using ContinualSegment.Model.Persistence;
using ContinualSegment.Model.Plans;

namespace ContinualSegment.Cli.Commands;

/// <summary>
/// <c>cseg bodypart evaluate</c>: how well a model's body-part regressor orders held-out scans (Spearman's ρ against
/// world z) and which decoders the gate would run on each scan (<see cref="BodyPartEvaluator"/>).
/// </summary>
public static class BodyPartCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("bodypart", "The body-part regressor of a model (train it with cseg train bodypart).");
        command.Subcommands.Add(Evaluate(output));
        return command;
    }

    private static Command Evaluate(TextWriter output)
    {
        var model = new Option<string>("--model") { Description = "The model directory (its plan.json must have a body-part section).", Required = true };
        var datasets = new Option<string[]>("--dataset") { Description = "Held-out nnU-Net-format dataset (repeatable); only its CT images are read.", Required = true };
        var margin = new Option<double>("--margin") { Description = "The gate's margin in score units (the pipeline default).", DefaultValueFactory = _ => 0.25 };
        var json = new Option<string?>("--json") { Description = "Also write the evaluation as JSON to this file." };
        var command = new Command("evaluate", "Score held-out scans with the model's body-part regressor: Spearman's rho of score against world z over all slices together and per scan, and per scan the share of slices on which the gate trusts each decoder (0 = skipped).")
        {
            model, datasets, margin, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var modelDir = Path.GetFullPath(parse.GetValue(model)!);
            var planPath = Path.Combine(modelDir, ModelStore.PlanFileName);
            if (!File.Exists(planPath))
            {
                throw new ModelPlanException($"{modelDir} is not a model directory: it has no plan.json");
            }

            var gateMargin = parse.GetValue(margin);
            if (!double.IsFinite(gateMargin) || gateMargin < 0)
            {
                throw new InvalidDataException("--margin must be ≥ 0");
            }

            var plan = ModelPlanSerializer.Load(planPath);
            using var regressor = ModelStore.TryLoadBodyPart(modelDir, plan)
                ?? throw new ModelPlanException($"{modelDir} has no body-part regressor; train one with cseg train bodypart");
            var catalogue = StructureCatalogue.LoadDefault();
            var sets = new List<(string, NnUnetDataset)>();
            foreach (var dir in parse.GetValue(datasets)!)
            {
                NnUnetDataset dataset;
                try
                {
                    dataset = await NnUnetDataset.OpenAsync(Path.GetFullPath(dir), catalogue, ct).ConfigureAwait(false);
                }
                catch (NnUnetDatasetException ex)
                {
                    throw new InvalidDataException($"dataset {dir}: {ex.Message}", ex);
                }

                var name = dataset.CatalogueTask(catalogue) ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)));
                sets.Add((name, dataset));
            }

            var result = await BodyPartEvaluator.EvaluateAsync(regressor, plan, sets, gateMargin, ct).ConfigureAwait(false);
            await WriteAsync(output, plan, result).ConfigureAwait(false);
            if (parse.GetValue(json) is { } jsonPath)
            {
                await File.WriteAllTextAsync(Path.GetFullPath(jsonPath), JsonSerializer.Serialize(result, BodyPartEvaluationJsonContext.Default.BodyPartEvaluation) + "\n", ct).ConfigureAwait(false);
            }

            return CsegApp.Success;
        });
        return command;
    }

    private static async Task WriteAsync(TextWriter output, ModelPlan plan, BodyPartEvaluation result)
    {
        var ids = plan.Decoders.Select(d => d.Id).ToArray();
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Spearman rho (score vs world z): all slices {result.PooledSpearman:0.000}, mean per scan {result.MeanScanSpearman:0.000}")).ConfigureAwait(false);
        foreach (var d in plan.Decoders)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"decoder {d.Id}: range {d.BodyPartRange.Min:0.00}..{d.BodyPartRange.Max:0.00}")).ConfigureAwait(false);
        }

        await output.WriteLineAsync($"| dataset | case | slices | scores | rho | {string.Join(" | ", ids)} |").ConfigureAwait(false);
        await output.WriteLineAsync($"| --- | --- | ---: | --- | ---: |{string.Concat(ids.Select(_ => " ---: |"))}").ConfigureAwait(false);
        foreach (var s in result.Scans)
        {
            var cells = ids.Select(id => s.Decoders.TryGetValue(id, out var f) ? (f == 0 ? "skip" : string.Create(CultureInfo.InvariantCulture, $"{f:P0}")) : "-");
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"| {s.Dataset} | {s.CaseId} | {s.Slices} | {s.ScoreMin:0.00}..{s.ScoreMax:0.00} | {s.Spearman:0.000} | {string.Join(" | ", cells)} |")).ConfigureAwait(false);
        }
    }
}
