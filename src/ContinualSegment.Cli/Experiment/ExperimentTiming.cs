using System.Text.Json;

namespace ContinualSegment.Cli.Experiment;

/// <summary>
/// The inference-time comparison of an experiment (<c>cseg bench methods</c>, its bench-methods.json): the continual
/// model against the separate full models, on one CT in one process.
/// </summary>
/// <param name="Study">The CT it ran on, in words.</param>
/// <param name="Threads">CPU threads of the networks.</param>
/// <param name="Repeats">Timed runs per model (median).</param>
/// <param name="Models">Each model's directory, seconds and parameters; the continual model first.</param>
/// <param name="TimeRatio">Continual seconds / the separate models' seconds together.</param>
/// <param name="ParameterRatio">Continual parameters / the separate models' parameters together.</param>
public sealed record ExperimentTiming(string Study, int Threads, int Repeats, IReadOnlyList<(string Model, double Seconds, long Parameters)> Models, double TimeRatio, double ParameterRatio)
{
    /// <summary>Reads a bench-methods.json.</summary>
    /// <exception cref="InvalidDataException">The file is not one.</exception>
    public static async Task<ExperimentTiming> ReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            await using var stream = File.OpenRead(path);
            using var document = await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
            var root = document.RootElement;
            static (string, double, long) Entry(JsonElement e) => (e.GetProperty("model").GetString()!, e.GetProperty("seconds").GetDouble(), e.GetProperty("parameters").GetInt64());
            var models = new List<(string, double, long)> { Entry(root.GetProperty("continual")) };
            models.AddRange(root.GetProperty("separate").EnumerateArray().Select(Entry));
            return new ExperimentTiming(
                root.GetProperty("study").GetString()!,
                root.GetProperty("threads").GetInt32(),
                root.GetProperty("repeats").GetInt32(),
                models,
                root.GetProperty("timeRatio").GetDouble(),
                root.GetProperty("parameterRatio").GetDouble());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path} is not a bench-methods.json: {e.Message}", e);
        }
    }
}
