using System.Text.Json;

namespace ContinualSegment.Cli.Tests.Experiment;

/// <summary>Writes evaluation.json files in the schema of cseg evaluate (EvaluationReportWriter.ToJson), by hand.</summary>
internal static class EvaluationJsonFile
{
    public static readonly double[] Tolerances = [1.0, 2.0];

    /// <summary>One structure's row: Dice, HD95 (null: undefined), surface Dice at 1 and 2 mm.</summary>
    public sealed record Row(string Case, int Label, string Name, double Dice, double? Hd95, double Nsd1, double Nsd2);

    /// <summary>
    /// Writes <paramref name="rows"/> of <paramref name="task"/>; with <paramref name="summary"/> also the per-task
    /// summary as cseg evaluate computes it (means over all rows, HD95 over the defined values only).
    /// </summary>
    public static void Write(string path, string task, IReadOnlyList<Row> rows, bool summary = true)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteStartArray("tolerances_mm");
        foreach (var t in Tolerances) { w.WriteNumberValue(t); }
        w.WriteEndArray();
        w.WriteStartArray("structures");
        foreach (var r in rows)
        {
            w.WriteStartObject();
            w.WriteString("case", r.Case);
            w.WriteString("task", task);
            w.WriteNumber("label", r.Label);
            w.WriteString("name", r.Name);
            w.WriteNumber("dice", r.Dice);
            w.WritePropertyName("hd95_mm");
            if (r.Hd95 is { } hd) { w.WriteNumberValue(hd); } else { w.WriteNullValue(); }
            w.WriteStartArray("nsd");
            w.WriteNumberValue(r.Nsd1);
            w.WriteNumberValue(r.Nsd2);
            w.WriteEndArray();
            w.WriteNumber("truth_voxels", 100);
            w.WriteNumber("prediction_voxels", 90);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("tasks");
        if (summary)
        {
            w.WriteStartObject();
            w.WriteString("task", task);
            w.WriteNumber("structures", rows.Count);
            w.WriteNumber("mean_dice", rows.Average(r => r.Dice));
            var defined = rows.Where(r => r.Hd95 is not null).ToArray();
            w.WritePropertyName("mean_hd95_mm");
            if (defined.Length > 0) { w.WriteNumberValue(defined.Average(r => r.Hd95!.Value)); } else { w.WriteNullValue(); }
            w.WriteStartArray("mean_nsd");
            w.WriteNumberValue(rows.Average(r => r.Nsd1));
            w.WriteNumberValue(rows.Average(r => r.Nsd2));
            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// Two cases of two structures whose mean Dice is <paramref name="dice"/>: Dice d ± 0.1 and d ± 0.04; HD95 10d,
    /// undefined, 20d, 30d (mean 20d, one undefined); surface Dice at 1 mm each Dice − 0.05, at 2 mm each Dice.
    /// </summary>
    public static Row[] AroundMean(string task, double dice) =>
    [
        new($"{task}_0000", 1, "spleen", dice + 0.1, 10 * dice, dice + 0.05, dice + 0.1),
        new($"{task}_0000", 2, "liver", dice - 0.1, null, dice - 0.15, dice - 0.1),
        new($"{task}_0001", 1, "spleen", dice + 0.04, 20 * dice, dice - 0.01, dice + 0.04),
        new($"{task}_0001", 2, "liver", dice - 0.04, 30 * dice, dice - 0.09, dice - 0.04),
    ];
}
