using System.Text;
using System.Text.Json;

namespace ContinualSegment.Cli.Experiment;

/// <summary>Writes <see cref="ExperimentResults"/> as <c>results.json</c> (snake_case names; missing numbers as null).</summary>
public static class ExperimentResultsJson
{
    /// <summary>The results as indented JSON.</summary>
    public static string ToJson(ExperimentResults results, ExperimentReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(options);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("title", options.Title);
            w.WriteString("work", results.Work);
            w.WriteString("command", options.Command);
            w.WriteString("machine", options.Machine);
            Strings(w, "tasks", ExperimentLayout.Tasks);
            Strings(w, "methods", ExperimentLayout.Methods);
            w.WriteNumber("evaluations", results.Evaluations);
            w.WriteNumber("expected_evaluations", results.ExpectedEvaluations);
            w.WriteStartObject("definitions");
            w.WriteString("dice", ExperimentDefinitions.Dice);
            w.WriteString("hd95_mm", ExperimentDefinitions.Hd95);
            w.WriteString("nsd", ExperimentDefinitions.SurfaceDice);
            w.WriteString("final", ExperimentDefinitions.Final);
            w.WriteString("forgetting", ExperimentDefinitions.Forgetting);
            w.WriteString("parameters", ExperimentDefinitions.Parameters);
            w.WriteString("dice_drop", ExperimentDefinitions.Drop);
            w.WriteString("trimming", ExperimentDefinitions.Trimming);
            w.WriteEndObject();

            w.WriteStartObject("final");
            foreach (MethodResults m in results.Methods)
            {
                w.WriteStartObject(m.Method);
                foreach (string task in ExperimentLayout.Tasks)
                {
                    w.WritePropertyName(task);
                    if (m.Final.GetValueOrDefault(task) is { } s) { Scores(w, s); } else { w.WriteNullValue(); }
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();

            w.WriteStartObject("forgetting");
            foreach (MethodResults m in results.Methods.Where(m => m.Forgetting is not null))
            {
                w.WriteStartObject(m.Method);
                Strings(w, "tasks", ExperimentLayout.Tasks);
                w.WriteStartArray("steps");
                for (int k = 1; k <= ExperimentLayout.Steps; k++) { w.WriteNumberValue(k); }
                w.WriteEndArray();
                w.WriteStartArray("dice");
                foreach (IReadOnlyList<double?> row in m.Forgetting!.Dice)
                {
                    w.WriteStartArray();
                    foreach (double? v in row) { Value(w, v); }
                    w.WriteEndArray();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndObject();

            w.WriteStartObject("parameters");
            foreach (MethodResults m in results.Methods)
            {
                w.WriteStartObject(m.Method);
                Value(w, "total", m.Parameters);
                w.WriteStartArray("models");
                foreach (ModelParameters model in m.Models)
                {
                    w.WriteStartObject();
                    w.WriteString("model", model.Directory);
                    w.WriteNumber("encoder", model.Encoder);
                    w.WriteStartObject("decoders");
                    foreach ((string id, long count) in model.Decoders) { w.WriteNumber(id, count); }
                    w.WriteEndObject();
                    w.WriteNumber("total", model.Total);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndObject();

            w.WriteStartObject("trim_tables");
            foreach (string task in results.TrimTables)
            {
                w.WriteString(task, ExperimentReportWriter.TrimTableFileName(task));
            }

            w.WriteEndObject();

            w.WritePropertyName("durations_seconds");
            if (results.Durations is { } durations)
            {
                w.WriteStartObject();
                foreach (var (step, seconds) in durations.Steps)
                {
                    w.WriteNumber(step, seconds);
                }

                w.WriteEndObject();
            }
            else
            {
                w.WriteNullValue();
            }

            w.WritePropertyName("gating");
            if (results.Gating is { } gating)
            {
                w.WriteStartObject();
                w.WritePropertyName("bodypart_evaluation");
                if (gating.Evaluation is { } e) { e.WriteTo(w); } else { w.WriteNullValue(); }
                w.WritePropertyName("partial_fields_of_view");
                if (gating.Bench is { } b) { b.WriteTo(w); } else { w.WriteNullValue(); }
                w.WriteEndObject();
            }
            else
            {
                w.WriteNullValue();
            }

            w.WritePropertyName("overlaps");
            if (results.Overlaps is { } overlaps)
            {
                w.WriteStartObject();
                w.WriteStartArray("host_organs");
                foreach (string organ in overlaps.Organs)
                {
                    w.WriteStringValue(organ);
                }

                w.WriteEndArray();
                foreach (string cohort in new[] { ExperimentOverlaps.Pathology, ExperimentOverlaps.Healthy })
                {
                    w.WriteStartObject(cohort == ExperimentOverlaps.Healthy ? "healthy_subjects" : "pathology_subjects");
                    foreach (string variant in ExperimentOverlaps.VariantsOf(cohort))
                    {
                        w.WritePropertyName(variant);
                        if (overlaps.Dice.TryGetValue((variant, cohort), out var dice))
                        {
                            w.WriteStartObject();
                            foreach (string organ in overlaps.Organs.Where(dice.ContainsKey))
                            {
                                w.WriteNumber(organ, dice[organ]);
                            }

                            w.WriteEndObject();
                        }
                        else
                        {
                            w.WriteNullValue();
                        }
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteStartArray("claims");
            foreach (ExperimentClaim c in results.Claims)
            {
                w.WriteStartObject();
                w.WriteString("id", c.Id);
                w.WriteString("description", c.Description);
                Value(w, "value", c.Value);
                Value(w, "goal_at_least", c.AtLeast);
                Value(w, "goal_at_most", c.AtMost);
                w.WritePropertyName("met");
                if (c.Met is { } met) { w.WriteBooleanValue(met); } else { w.WriteNullValue(); }
                w.WriteEndObject();
            }

            w.WriteEndArray();
            Strings(w, "missing", results.Missing);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void Scores(Utf8JsonWriter w, TaskScores s)
    {
        w.WriteStartObject();
        w.WriteString("file", s.File);
        w.WriteNumber("cases", s.Cases);
        w.WriteNumber("structures", s.Structures);
        Value(w, "dice", s.Dice);
        w.WriteString("source", s.DiceFromSummary ? "evaluate summary" : "computed from structures");
        Value(w, "hd95_mm", s.Hd95Mm);
        w.WriteNumber("hd95_undefined", s.Hd95Undefined);
        w.WriteStartArray("tolerances_mm");
        foreach (double t in s.TolerancesMm) { w.WriteNumberValue(t); }
        w.WriteEndArray();
        w.WriteStartArray("nsd");
        foreach (double? v in s.SurfaceDice) { Value(w, v); }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values) { w.WriteStringValue(v); }
        w.WriteEndArray();
    }

    private static void Value(Utf8JsonWriter w, string name, double? v)
    {
        w.WritePropertyName(name);
        Value(w, v);
    }

    private static void Value(Utf8JsonWriter w, string name, long? v)
    {
        w.WritePropertyName(name);
        if (v is { } x) { w.WriteNumberValue(x); } else { w.WriteNullValue(); }
    }

    private static void Value(Utf8JsonWriter w, double? v)
    {
        if (v is { } x && double.IsFinite(x)) { w.WriteNumberValue(x); } else { w.WriteNullValue(); }
    }
}
