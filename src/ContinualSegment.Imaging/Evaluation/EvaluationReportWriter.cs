using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ContinualSegment.Imaging.Evaluation;

/// <summary>Writes an <see cref="EvaluationReport"/> as JSON (undefined numbers as null) or a Markdown table.</summary>
public static class EvaluationReportWriter
{
    public static string ToJson(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("tolerances_mm");
            foreach (double t in report.TolerancesMm) { w.WriteNumberValue(t); }
            w.WriteEndArray();
            w.WriteStartArray("structures");
            foreach (StructureScore s in report.Scores)
            {
                w.WriteStartObject();
                w.WriteString("case", s.Case);
                w.WriteString("task", s.Task);
                w.WriteNumber("label", s.Label);
                w.WriteString("name", s.Name);
                Number(w, "dice", s.Scores.Dice);
                Number(w, "hd95_mm", s.Scores.Hd95Mm);
                w.WriteStartArray("nsd");
                foreach (double v in s.Scores.SurfaceDice) { Value(w, v); }
                w.WriteEndArray();
                w.WriteNumber("truth_voxels", s.Scores.TruthVoxels);
                w.WriteNumber("prediction_voxels", s.Scores.PredictionVoxels);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("tasks");
            foreach (TaskSummary t in report.Tasks)
            {
                w.WriteStartObject();
                w.WriteString("task", t.Task);
                w.WriteNumber("structures", t.Structures);
                Number(w, "mean_dice", t.MeanDice);
                Number(w, "mean_hd95_mm", t.MeanHd95Mm);
                w.WriteStartArray("mean_nsd");
                foreach (double v in t.MeanSurfaceDice) { Value(w, v); }
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    public static string ToMarkdown(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        string tolHeads = string.Concat(report.TolerancesMm.Select(t => $" NSD@{F(t, "0.#")}mm |"));
        string tolRule = string.Concat(report.TolerancesMm.Select(_ => " ---: |"));
        sb.Append("| case | task | label | structure | Dice | HD95 (mm) |").Append(tolHeads).Append('\n');
        sb.Append("| --- | --- | ---: | --- | ---: | ---: |").Append(tolRule).Append('\n');
        foreach (StructureScore s in report.Scores)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {s.Case} | {s.Task} | {s.Label} | {s.Name} | {F(s.Scores.Dice, "0.0000")} | {F(s.Scores.Hd95Mm, "0.00")} |");
            foreach (double v in s.Scores.SurfaceDice) { sb.Append(' ').Append(F(v, "0.0000")).Append(" |"); }
            sb.Append('\n');
        }

        sb.Append('\n');
        sb.Append("| task | structures | mean Dice | mean HD95 (mm) |").Append(tolHeads).Append('\n');
        sb.Append("| --- | ---: | ---: | ---: |").Append(tolRule).Append('\n');
        foreach (TaskSummary t in report.Tasks)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {t.Task} | {t.Structures} | {F(t.MeanDice, "0.0000")} | {F(t.MeanHd95Mm, "0.00")} |");
            foreach (double v in t.MeanSurfaceDice) { sb.Append(' ').Append(F(v, "0.0000")).Append(" |"); }
            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static string F(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        w.WritePropertyName(name);
        Value(w, v);
    }

    private static void Value(Utf8JsonWriter w, double v)
    {
        if (double.IsFinite(v)) { w.WriteNumberValue(v); } else { w.WriteNullValue(); }
    }
}
