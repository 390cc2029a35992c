using System.Text.Json.Nodes;

namespace ContinualSegment.Cli.Experiment;

/// <summary>
/// The body-part gating of an experiment's continual model (its <c>gating</c> step): the regressor's ordering of the
/// held-out test subjects (<c>cseg bodypart evaluate</c>, gating/bodypart.json) and what gating saves on partial fields
/// of view (<c>cseg bench gating</c>, gating/bench-gating.json). Either file may be missing.
/// </summary>
/// <param name="Evaluation">bodypart.json as written, or null.</param>
/// <param name="Bench">bench-gating.json as written, or null.</param>
public sealed record ExperimentGating(JsonObject? Evaluation, JsonObject? Bench)
{
    /// <summary>The evaluation's file, relative to the work directory.</summary>
    public static string EvaluationFile => Path.Combine("gating", "bodypart.json");

    /// <summary>The benchmark's file, relative to the work directory.</summary>
    public static string BenchFile => Path.Combine("gating", "bench-gating.json");

    /// <summary>Pooled Spearman ρ of the test subjects (NaN when not measured).</summary>
    public double PooledSpearman => Value(Evaluation?["pooledSpearman"]) ?? double.NaN;

    /// <summary>Mean per-scan Spearman ρ (NaN when not measured).</summary>
    public double MeanScanSpearman => Value(Evaluation?["meanScanSpearman"]) ?? double.NaN;

    /// <summary>Reads whichever of the two files exist under <paramref name="work"/>; null when neither does.</summary>
    /// <exception cref="InvalidDataException">A file is not JSON of the expected shape.</exception>
    public static async Task<ExperimentGating?> ReadAsync(string work, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(work);
        var evaluation = await ReadObjectAsync(Path.Combine(work, EvaluationFile), "pooledSpearman", cancellationToken).ConfigureAwait(false);
        var bench = await ReadObjectAsync(Path.Combine(work, BenchFile), "scans", cancellationToken).ConfigureAwait(false);
        return evaluation is null && bench is null ? null : new ExperimentGating(evaluation, bench);
    }

    private static async Task<JsonObject?> ReadObjectAsync(string path, string required, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var node = JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)) as JsonObject;
            if (node is null || node[required] is null)
            {
                throw new InvalidDataException($"{path} has no '{required}'");
            }

            return node;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{path} is not JSON: {e.Message}", e);
        }
    }

    /// <summary>A number of the files, or null where it is missing or not a number.</summary>
    internal static double? Value(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
}
