namespace ContinualSegment.Cli.Experiment;

/// <summary>Writes the report's files: <c>results.json</c>, <c>results.md</c> and the two SVG pictures.</summary>
public static class ExperimentReportWriter
{
    /// <summary>The results as JSON.</summary>
    public const string JsonFileName = "results.json";

    /// <summary>The results as Markdown.</summary>
    public const string MarkdownFileName = "results.md";

    /// <summary>The final mean Dice per task and method.</summary>
    public const string DiceChartFileName = "dice-by-method.svg";

    /// <summary>The first task's Dice after each step.</summary>
    public const string ForgettingChartFileName = "forgetting.svg";

    /// <summary>Writes the four files into <paramref name="directory"/> (created when needed).</summary>
    /// <returns>The full paths written.</returns>
    public static async Task<IReadOnlyList<string>> WriteAsync(ExperimentResults results, string directory, ExperimentReportOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(options);
        directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(directory);
        var files = new (string Name, string Content)[]
        {
            (JsonFileName, ExperimentResultsJson.ToJson(results, options)),
            (MarkdownFileName, ExperimentResultsMarkdown.ToMarkdown(results, options, DiceChartFileName, ForgettingChartFileName)),
            (DiceChartFileName, ExperimentCharts.DiceByMethod(results)),
            (ForgettingChartFileName, ExperimentCharts.Forgetting(results)),
        };
        var written = new List<string>();
        foreach ((string name, string content) in files)
        {
            string path = Path.Combine(directory, name);
            await File.WriteAllTextAsync(path, content, cancellationToken).ConfigureAwait(false);
            written.Add(path);
        }

        foreach (string task in results.TrimTables)
        {
            // The search tables beside the report, so that its links work wherever it is copied.
            string path = Path.Combine(directory, TrimTableFileName(task));
            File.Copy(Path.Combine(results.Work, ExperimentLayout.TrimTable(task)), path, overwrite: true);
            written.Add(path);
        }

        return written;
    }

    /// <summary>The file name of the search table of <paramref name="task"/>'s trimming beside the report.</summary>
    public static string TrimTableFileName(string task) => $"trim-{task}.md";
}
