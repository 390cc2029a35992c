using System.Text.Json;
using ContinualSegment.Imaging;

namespace ContinualSegment.Cli.Experiment;

/// <summary>
/// Overlapping label sets (the experiment's <c>overlaps</c> step): the lesions' host organs found by the whole-body
/// decoder alone, by a decoder trained on lesions and host organs together, and by both merged, on the pathology test
/// subjects (organ ∪ lesion) and on the healthy whole-body ones. Mean Dice per structure over the subjects, read from
/// overlaps/&lt;variant&gt;/&lt;cohort&gt;/evaluation.json.
/// </summary>
/// <param name="Organs">The host organs of the catalogue's lesions, in catalogue order.</param>
/// <param name="Dice">Mean Dice per (variant, cohort), per structure; a file not written yet is absent.</param>
public sealed record ExperimentOverlaps(
    IReadOnlyList<string> Organs,
    IReadOnlyDictionary<(string Variant, string Cohort), IReadOnlyDictionary<string, double>> Dice)
{
    /// <summary>The whole-body decoder alone.</summary>
    public const string WholeBody = "wholebody";

    /// <summary>The decoder of lesions and host organs alone.</summary>
    public const string Hosts = "hosts";

    /// <summary>Both merged.</summary>
    public const string Merged = "merged";

    /// <summary>The pathology test subjects (with lesions).</summary>
    public const string Pathology = "pathology";

    /// <summary>The healthy whole-body test subjects.</summary>
    public const string Healthy = "wholebody";

    /// <summary>The variants in report order.</summary>
    public static IReadOnlyList<string> Variants { get; } = [WholeBody, Hosts, Merged];

    /// <summary>The variants segmented on each cohort (the new decoder alone is not run on healthy subjects).</summary>
    public static IReadOnlyList<string> VariantsOf(string cohort) => cohort == Healthy ? [WholeBody, Merged] : Variants;

    /// <summary>An evaluation file, relative to the work directory.</summary>
    public static string File(string variant, string cohort) => Path.Combine("overlaps", variant, cohort, "evaluation.json");

    /// <summary>The mean over the host organs of their Dice for a variant on a cohort; null when any is missing.</summary>
    public double? MeanOrganDice(string variant, string cohort)
    {
        if (!Dice.TryGetValue((variant, cohort), out var byStructure))
        {
            return null;
        }

        var values = Organs.Select(o => byStructure.TryGetValue(o, out var d) ? d : (double?)null).ToArray();
        return values.All(static v => v is not null) ? values.Average(static v => v!.Value) : null;
    }

    /// <summary>The claims: the merge beats both decoders alone on the pathology subjects and loses nothing on the healthy ones.</summary>
    public IReadOnlyList<ExperimentClaim> Claims()
    {
        double? merged = MeanOrganDice(Merged, Pathology);
        double? better = MeanOrganDice(WholeBody, Pathology) is { } w && MeanOrganDice(Hosts, Pathology) is { } h ? Math.Max(w, h) : null;
        double? healthy = MeanOrganDice(Merged, Healthy) is { } m && MeanOrganDice(WholeBody, Healthy) is { } wb ? m - wb : null;
        return
        [
            new ExperimentClaim(
                "overlaps/merge_gain",
                "Host organs (organ ∪ lesion) on the pathology subjects: mean Dice of the merge minus that of the better decoder alone",
                merged is { } a && better is { } b ? a - b : null,
                0),
            new ExperimentClaim(
                "overlaps/healthy_change",
                "The same organs on the healthy whole-body subjects: mean Dice of the merge minus that of the whole-body decoder alone",
                healthy,
                0),
        ];
    }

    /// <summary>Reads the files that exist under <paramref name="work"/>; null when none does.</summary>
    /// <exception cref="InvalidDataException">A file is not an evaluation written by <c>cseg evaluate</c>.</exception>
    public static async Task<ExperimentOverlaps?> ReadAsync(string work, StructureCatalogue catalogue, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(work);
        ArgumentNullException.ThrowIfNull(catalogue);
        var hosts = catalogue.Structures.Where(static s => s.IsLesion).SelectMany(static s => s.Hosts).ToHashSet(StringComparer.Ordinal);
        string[] organs = [.. catalogue.Structures.Where(s => hosts.Contains(s.Name)).Select(static s => s.Name)];
        var dice = new Dictionary<(string, string), IReadOnlyDictionary<string, double>>();
        foreach (string cohort in new[] { Pathology, Healthy })
        {
            foreach (string variant in VariantsOf(cohort))
            {
                string path = Path.Combine(work, File(variant, cohort));
                if (System.IO.File.Exists(path))
                {
                    dice[(variant, cohort)] = await MeanDiceAsync(path, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return dice.Count == 0 ? null : new ExperimentOverlaps(organs, dice);
    }

    // Mean Dice per structure over the cases of one evaluation file (cases where it is undefined left out).
    private static async Task<IReadOnlyDictionary<string, double>> MeanDiceAsync(string path, CancellationToken cancellationToken)
    {
        var stream = System.IO.File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                return document.RootElement.GetProperty("structures").EnumerateArray()
                    .Where(static s => s.GetProperty("dice").ValueKind == JsonValueKind.Number)
                    .GroupBy(static s => s.GetProperty("name").GetString() ?? string.Empty, StringComparer.Ordinal)
                    .ToDictionary(static g => g.Key, static g => g.Average(static s => s.GetProperty("dice").GetDouble()), StringComparer.Ordinal);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                throw new InvalidDataException($"{path}: not an evaluation written by cseg evaluate: {ex.Message}", ex);
            }
        }
    }
}
