using System.Globalization;

namespace ContinualSegment.Cli.Experiment;

/// <summary>
/// The wall time an experiment's steps took (WORK/durations.tsv: "name TAB seconds" per finished step, appended by
/// scripts/experiment.sh; a name that appears more than once, e.g. an evaluation run again, is summed).
/// </summary>
/// <param name="Steps">Seconds per step name, in the order first recorded.</param>
public sealed record ExperimentDurations(IReadOnlyList<KeyValuePair<string, double>> Steps)
{
    /// <summary>The file name in the working directory.</summary>
    public const string FileName = "durations.tsv";

    /// <summary>All steps together.</summary>
    public double TotalSeconds => Steps.Sum(s => s.Value);

    /// <summary>Seconds per part of the experiment: data, continual, upper, finetune, lwf, evaluation, timing.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Parts => [.. Steps
        .GroupBy(s => PartOf(s.Key))
        .Select(g => new KeyValuePair<string, double>(g.Key, g.Sum(s => s.Value)))];

    /// <summary>Reads a durations file.</summary>
    /// <exception cref="InvalidDataException">A line is not "name TAB seconds".</exception>
    public static async Task<ExperimentDurations> ReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var steps = new List<KeyValuePair<string, double>>();
        var lineNumber = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length != 2 || fields[0].Length == 0 || !double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds < 0)
            {
                throw new InvalidDataException($"{path} line {lineNumber}: expected \"name<TAB>seconds\", got \"{line}\"");
            }

            var at = steps.FindIndex(s => s.Key == fields[0]);
            if (at < 0)
            {
                steps.Add(new(fields[0], seconds));
            }
            else
            {
                steps[at] = new(fields[0], steps[at].Value + seconds);
            }
        }

        return new ExperimentDurations(steps);
    }

    private static string PartOf(string step) => step switch
    {
        "step1" => ExperimentLayout.Continual,
        _ when step.StartsWith(ExperimentLayout.Untrimmed + "-", StringComparison.Ordinal) => ExperimentLayout.Continual,
        _ when step.StartsWith("trim-", StringComparison.Ordinal) => "trimming",
        "timing" => "timing",
        _ when step.StartsWith("data-", StringComparison.Ordinal) || step.StartsWith("test-", StringComparison.Ordinal) => "data",
        _ when step.StartsWith("eval-", StringComparison.Ordinal) => "evaluation",
        _ when step.Contains('-', StringComparison.Ordinal) => step[..step.IndexOf('-', StringComparison.Ordinal)],
        _ => step,
    };
}
