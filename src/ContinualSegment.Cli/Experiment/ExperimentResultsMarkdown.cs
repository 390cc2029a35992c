using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ContinualSegment.Cli.Experiment;

/// <summary>Writes <see cref="ExperimentResults"/> as <c>results.md</c>: tables, the claims and links to the pictures.</summary>
public static class ExperimentResultsMarkdown
{
    /// <summary>The results as Markdown; <paramref name="diceChart"/> and <paramref name="forgettingChart"/> are the pictures' file names beside it.</summary>
    public static string ToMarkdown(ExperimentResults results, ExperimentReportOptions options, string diceChart, string forgettingChart)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(options);
        var sb = new StringBuilder();
        var tasks = ExperimentLayout.Tasks;
        sb.Append("# ").Append(options.Title).Append("\n\n");
        sb.Append("Machine: ").Append(options.Machine ?? "not given").Append(". Command: ")
            .Append(options.Command is null ? "not given" : $"`{options.Command}`").Append(".\n");
        sb.Append(CultureInfo.InvariantCulture, $"Working directory `{results.Work}`: {results.Evaluations} of {results.ExpectedEvaluations} evaluations present.\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"![Mean Dice by method and task]({diceChart})\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"![Dice of {tasks[0]} after each step]({forgettingChart})\n\n");

        sb.Append("## Final scores\n\n");
        sb.Append("Final: ").Append(ExperimentDefinitions.Final).Append('\n');
        sb.Append("Dice: ").Append(ExperimentDefinitions.Dice).Append("\n\n");
        Header(sb, "method", tasks);
        foreach (MethodResults m in results.Methods)
        {
            Row(sb, m.Method, tasks.Select(t => m.Final.GetValueOrDefault(t) is { } s ? Dice(s.Dice) : "missing"));
        }

        sb.Append("\nHD95: ").Append(ExperimentDefinitions.Hd95).Append("\n\n");
        Header(sb, "method", tasks.Select(t => $"{t} HD95 (mm)"));
        foreach (MethodResults m in results.Methods)
        {
            Row(sb, m.Method, tasks.Select(t => m.Final.GetValueOrDefault(t) is { } s
                ? $"{Number(s.Hd95Mm, "0.00")}{(s.Hd95Undefined > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({s.Hd95Undefined} of {s.Structures} undefined)") : string.Empty)}"
                : "missing"));
        }

        IReadOnlyList<double> tolerances = results.Methods.SelectMany(m => m.Final.Values).FirstOrDefault()?.TolerancesMm ?? [];
        string at = string.Join(" / ", tolerances.Select(t => t.ToString("0.##", CultureInfo.InvariantCulture)));
        sb.Append("\nNSD: ").Append(ExperimentDefinitions.SurfaceDice).Append("\n\n");
        Header(sb, "method", tasks.Select(t => $"{t} NSD @ {at} mm"));
        foreach (MethodResults m in results.Methods)
        {
            Row(sb, m.Method, tasks.Select(t => m.Final.GetValueOrDefault(t) is { } s ? string.Join(" / ", s.SurfaceDice.Select(Dice)) : "missing"));
        }

        sb.Append("\n## Forgetting\n\n");
        sb.Append("Mean Dice of each task after each step (— not learnt yet).\n");
        foreach (MethodResults m in results.Methods.Where(m => m.Forgetting is not null))
        {
            sb.Append("\n### ").Append(m.Method).Append("\n\n");
            Header(sb, "after step", tasks);
            for (int k = 1; k <= ExperimentLayout.Steps; k++)
            {
                int step = k;
                Row(sb, string.Create(CultureInfo.InvariantCulture, $"{step} ({tasks[step - 1]})"), tasks.Select((t, i) => i >= step ? "—" : m.Forgetting!.At(step, t) is { } d ? Dice(d) : "missing"));
            }
        }

        sb.Append("\n## Parameters\n\n");
        sb.Append(ExperimentDefinitions.Parameters).Append("\n\n");
        Header(sb, "method", ["models", "encoders", "decoders", "total"]);
        foreach (MethodResults m in results.Methods)
        {
            string models = m.Models.Count == 0 ? "missing" : string.Join(", ", m.Models.Select(x => $"`{x.Directory}`"));
            Row(sb, m.Method, m.Parameters is { } total
                ? [models, Count(m.Models.Sum(x => x.Encoder)), Count(m.Models.Sum(x => x.Decoders.Sum(d => d.Value))), Count(total)]
                : [models, "missing", "missing", "missing"]);
        }

        sb.Append("\n## Trimming\n\n");
        AppendTrimming(sb, results);

        sb.Append("\n## Inference time\n\n");
        if (results.Timing is { } timing)
        {
            sb.Append(CultureInfo.InvariantCulture, $"`cseg bench methods`: {timing.Study}; every model in one process, {timing.Threads} thread(s), median of {timing.Repeats} run(s) after an untimed one; the whole pipeline (resampling, body-part gating, networks, merge, labels back on the CT grid).\n\n");
            Header(sb, "model", ["seconds", "parameters"]);
            foreach (var (model, seconds, parameters) in timing.Models)
            {
                Row(sb, $"`{model}`", [Number(seconds, "0.00"), Count(parameters)]);
            }

            Row(sb, "separate models together", [Number(timing.Models.Skip(1).Sum(m => m.Seconds), "0.00"), Count(timing.Models.Skip(1).Sum(m => m.Parameters))]);
        }
        else
        {
            sb.Append("Not measured yet (`cseg bench methods`, the experiment's `timing` step).\n");
        }

        sb.Append("\n## Body-part gating\n\n");
        AppendGating(sb, results.Gating);

        sb.Append("\n## Overlapping label sets\n\n");
        AppendOverlaps(sb, results.Overlaps);

        sb.Append("\n## Time\n\n");
        if (results.Durations is { } durations)
        {
            sb.Append(CultureInfo.InvariantCulture, $"Wall time of the steps recorded in `{ExperimentDurations.FileName}`: {Hours(durations.TotalSeconds)} in all (a step resumed from a checkpoint counts from its resumption).\n\n");
            Header(sb, "part", ["wall time"]);
            foreach (var (part, seconds) in durations.Parts)
            {
                Row(sb, part, [Hours(seconds)]);
            }
        }
        else
        {
            sb.Append("Not recorded (scripts/experiment.sh writes durations.tsv).\n");
        }

        sb.Append("\n## Claims\n\n");
        sb.Append("Dice drop: ").Append(ExperimentDefinitions.Drop).Append("\n\n");
        Header(sb, "claim", ["value", "goal", "met"]);
        foreach (ExperimentClaim c in results.Claims)
        {
            string goal = c.Goal ?? "none (reported)";
            string met = c.Value is null ? "missing" : c.Met switch { true => "met", false => "not met", null => "—" };
            Row(sb, c.Description, [Number(c.Value, "0.0000"), goal, met]);
        }

        sb.Append("\n## Missing\n\n");
        if (results.Missing.Count == 0)
        {
            sb.Append("Nothing is missing.\n");
        }

        foreach (string missing in results.Missing)
        {
            sb.Append("- `").Append(missing).Append("`\n");
        }

        return sb.ToString();
    }

    private static void AppendTrimming(StringBuilder sb, ExperimentResults results)
    {
        MethodResults continual = results.Methods.First(m => m.Method == ExperimentLayout.Continual);
        MethodResults untrimmed = results.Methods.First(m => m.Method == ExperimentLayout.Untrimmed);
        sb.Append(ExperimentDefinitions.Trimming).Append("\n\n");
        Header(sb, "decoder", ["parameters untrimmed", "parameters trimmed", "ratio", "Dice untrimmed", "Dice trimmed", "drop", "search"]);
        foreach (string task in ExperimentLayout.Tasks)
        {
            long? full = untrimmed.DecoderParameters(task);
            long? trimmed = continual.DecoderParameters(task);
            double? fullDice = untrimmed.Final.GetValueOrDefault(task)?.Dice;
            double? trimmedDice = continual.Final.GetValueOrDefault(task)?.Dice;
            string search = results.TrimTables.Contains(task)
                ? $"[table]({ExperimentReportWriter.TrimTableFileName(task)})"
                : "missing";
            Row(sb, task, [
                full is { } f ? Count(f) : "missing",
                trimmed is { } t ? Count(t) : "missing",
                Number(Claim(results, $"trim_parameters/{task}"), "0.000"),
                fullDice is null ? "missing" : Dice(fullDice),
                trimmedDice is null ? "missing" : Dice(trimmedDice),
                Claim(results, $"trim_dice_drop/{task}") is { } drop ? drop.ToString("P1", CultureInfo.InvariantCulture) : "n/a",
                search,
            ]);
        }
    }

    // The value of the claim with id <paramref name="id"/>; null when it is missing or has no value.
    private static double? Claim(ExperimentResults results, string id) => results.Claims.FirstOrDefault(c => c.Id == id)?.Value;

    private static void AppendGating(StringBuilder sb, ExperimentGating? gating)
    {
        if (gating is null)
        {
            sb.Append("Not measured yet (`cseg bodypart evaluate` and `cseg bench gating`, the experiment's `gating` step).\n");
            return;
        }

        if (gating.Evaluation is { } evaluation)
        {
            sb.Append(CultureInfo.InvariantCulture, $"`cseg bodypart evaluate` on the test subjects (the continual model's regressor, trained on the training datasets' images only): Spearman's ρ of slice score against world z over all slices of all scans together **{Number(gating.PooledSpearman, "0.000")}**, mean per scan {Number(gating.MeanScanSpearman, "0.000")}. Share of each scan's slices on which the gate trusts each decoder:\n\n");
            var scans = evaluation["scans"]?.AsArray().OfType<JsonObject>().ToArray() ?? [];
            var decoders = scans.SelectMany(s => s["decoders"]?.AsObject().Select(kv => kv.Key) ?? []).Distinct(StringComparer.Ordinal).ToArray();
            Header(sb, "scan", ["ρ", .. decoders]);
            foreach (var scan in scans)
            {
                var shares = decoders.Select(d => ExperimentGating.Value(scan["decoders"]?[d]) is { } f ? (f == 0 ? "skipped" : f.ToString("P0", CultureInfo.InvariantCulture)) : "n/a");
                Row(sb, $"{scan["dataset"]} {scan["caseId"]}", [Number(ExperimentGating.Value(scan["spearman"]), "0.000"), .. shares]);
            }

            sb.Append('\n');
        }

        if (gating.Bench is { } bench)
        {
            sb.Append(CultureInfo.InvariantCulture, $"`cseg bench gating`: {bench["study"]}; scans cut from it as the phantom's protocols frame them, each segmented with gating and with every decoder on every slice, {bench["threads"]} thread(s), median of {bench["repeats"]} run(s).\n\n");
            Header(sb, "scan", ["slices", "decoders skipped", "seconds with gating", "every decoder", "time saved", "mean Dice with / without gating"]);
            foreach (var scan in bench["scans"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                var skipped = scan["decodersSkipped"]?.AsArray().Select(n => n?.ToString()).ToArray() ?? [];
                Row(sb, scan["scan"]?.ToString() ?? "?", [
                    scan["slices"]?.ToString() ?? "?",
                    skipped.Length == 0 ? "none" : string.Join(", ", skipped),
                    Number(ExperimentGating.Value(scan["gatedSeconds"]), "0.00"),
                    Number(ExperimentGating.Value(scan["allDecodersSeconds"]), "0.00"),
                    ExperimentGating.Value(scan["timeSaved"]) is { } saved ? saved.ToString("P0", CultureInfo.InvariantCulture) : "n/a",
                    $"{Number(ExperimentGating.Value(scan["meanDiceGated"]), "0.000")} / {Number(ExperimentGating.Value(scan["meanDiceAllDecoders"]), "0.000")}",
                ]);
            }
        }
    }

    private static void AppendOverlaps(StringBuilder sb, ExperimentOverlaps? overlaps)
    {
        if (overlaps is null)
        {
            sb.Append("Not measured yet (the experiment's `overlaps` step).\n");
            return;
        }

        sb.Append(ExperimentDefinitions.Overlaps).Append("\n\n");
        string[] names = ["whole-body decoder alone", "lesions + host organs decoder alone", "both merged"];
        foreach (string cohort in new[] { ExperimentOverlaps.Pathology, ExperimentOverlaps.Healthy })
        {
            var variants = ExperimentOverlaps.VariantsOf(cohort);
            sb.Append(cohort == ExperimentOverlaps.Pathology
                ? "Pathology test subjects, each host organ scored with its lesions (organ ∪ lesion):\n\n"
                : "\nHealthy whole-body test subjects, the same organs:\n\n");
            Header(sb, "structure", variants.Select(v => names[ExperimentOverlaps.Variants.ToList().IndexOf(v)]));
            foreach (string organ in overlaps.Organs)
            {
                Row(sb, organ, variants.Select(v => overlaps.Dice.TryGetValue((v, cohort), out var d) && d.TryGetValue(organ, out var x) ? Dice(x) : "missing"));
            }

            Row(sb, "**mean**", variants.Select(v => overlaps.MeanOrganDice(v, cohort) is { } m ? $"**{Dice(m)}**" : "missing"));
        }
    }

    private static void Header(StringBuilder sb, string first, IEnumerable<string> columns)
    {
        var list = columns.ToArray();
        sb.Append("| ").Append(first).Append(" |");
        foreach (string c in list) { sb.Append(' ').Append(c).Append(" |"); }
        sb.Append("\n| --- |");
        foreach (string _ in list) { sb.Append(" ---: |"); }
        sb.Append('\n');
    }

    private static void Row(StringBuilder sb, string first, IEnumerable<string> cells)
    {
        sb.Append("| ").Append(first).Append(" |");
        foreach (string c in cells) { sb.Append(' ').Append(c).Append(" |"); }
        sb.Append('\n');
    }

    private static string Dice(double? v) => Number(v, "0.0000");

    private static string Number(double? v, string format) => v is { } x && double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    private static string Hours(double seconds) => seconds >= 3600
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 3600)} h {(int)(seconds % 3600 / 60):D2} min")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.0} min");

    private static string Count(long v) => v.ToString("#,0", CultureInfo.InvariantCulture);
}
