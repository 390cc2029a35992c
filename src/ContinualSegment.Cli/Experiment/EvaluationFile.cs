using System.Text.Json;

namespace ContinualSegment.Cli.Experiment;

/// <summary>Reads the scores of one task from an <c>evaluation.json</c> written by <c>cseg evaluate</c>.</summary>
public static class EvaluationFile
{
    /// <summary>
    /// Reads the scores of <paramref name="task"/> from the file <paramref name="path"/>: the file's task summary where it
    /// has one, else means computed from its structures (see <see cref="TaskScores.DiceFromSummary"/>).
    /// </summary>
    /// <param name="path">The evaluation file.</param>
    /// <param name="displayPath">How the report names the file.</param>
    /// <param name="task">The task whose scores to read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="InvalidDataException">The file is not an evaluation or holds no scores of the task.</exception>
    public static async Task<TaskScores> ReadAsync(string path, string displayPath, string task, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(task);
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                return Read(document.RootElement, displayPath, task);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
            {
                throw new InvalidDataException($"{path}: not an evaluation written by cseg evaluate: {ex.Message}", ex);
            }
        }
    }

    private static TaskScores Read(JsonElement root, string displayPath, string task)
    {
        var tolerances = root.GetProperty("tolerances_mm").EnumerateArray().Select(t => t.GetDouble()).ToArray();
        var rows = root.GetProperty("structures").EnumerateArray()
            .Where(s => string.Equals(s.GetProperty("task").GetString(), task, StringComparison.Ordinal))
            .Select(s => new Row(
                s.GetProperty("case").GetString() ?? string.Empty,
                Number(s.GetProperty("dice")),
                Number(s.GetProperty("hd95_mm")),
                s.GetProperty("nsd").EnumerateArray().Select(Number).ToArray()))
            .ToArray();
        if (rows.Length == 0)
        {
            throw new InvalidDataException($"{displayPath} holds no scores of task '{task}'");
        }

        int cases = rows.Select(r => r.Case).Distinct(StringComparer.Ordinal).Count();
        int undefined = rows.Count(r => r.Hd95 is null);
        JsonElement? summary = root.TryGetProperty("tasks", out var tasks)
            ? tasks.EnumerateArray().Where(t => string.Equals(t.GetProperty("task").GetString(), task, StringComparison.Ordinal)).Select(t => (JsonElement?)t).FirstOrDefault()
            : null;
        if (summary is { } s)
        {
            var nsd = s.GetProperty("mean_nsd").EnumerateArray().Select(Number).ToArray();
            return new TaskScores(task, displayPath, cases, rows.Length, Number(s.GetProperty("mean_dice")), true, Number(s.GetProperty("mean_hd95_mm")), undefined, tolerances, nsd);
        }

        var byCase = rows.GroupBy(r => r.Case, StringComparer.Ordinal).ToArray();
        double? dice = MeanOfCaseMeans(byCase, r => r.Dice);
        var surface = Enumerable.Range(0, tolerances.Length).Select(t => MeanOfCaseMeans(byCase, r => t < r.Nsd.Length ? r.Nsd[t] : null)).ToArray();
        var finite = rows.Where(r => r.Hd95 is not null).Select(r => r.Hd95!.Value).ToArray();
        return new TaskScores(task, displayPath, cases, rows.Length, dice, false, finite.Length == 0 ? null : finite.Average(), undefined, tolerances, surface);
    }

    // The mean over cases of each case's mean over its defined values; a case without one does not count.
    private static double? MeanOfCaseMeans(IEnumerable<IGrouping<string, Row>> byCase, Func<Row, double?> value)
    {
        var means = byCase
            .Select(g => g.Select(value).Where(v => v is not null).Select(v => v!.Value).ToArray())
            .Where(v => v.Length > 0)
            .Select(v => v.Average())
            .ToArray();
        return means.Length == 0 ? null : means.Average();
    }

    // cseg evaluate writes undefined and infinite numbers as null.
    private static double? Number(JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : element.GetDouble();

    private sealed record Row(string Case, double? Dice, double? Hd95, double?[] Nsd);
}
