using System.Globalization;
using System.Text.RegularExpressions;
using ContinualSegment.Node.Export;

namespace ContinualSegment.Node.Routing;

/// <summary>Decides, for a completed series, whether it is segmented, by which rule, with what outputs and to where.</summary>
public sealed class Router
{
    /// <summary>The outputs a rule may ask for.</summary>
    public static readonly IReadOnlySet<string> KnownOutputs = new HashSet<string>(["seg", "rtstruct", "labels", "preview"], StringComparer.Ordinal);

    private static readonly string[] DefaultOutputs = ["seg", "rtstruct"];
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    private readonly IReadOnlyList<(RoutingRule Rule, Regex? Description)> rules;
    private readonly IReadOnlyDictionary<string, DestinationOptions> destinations;

    /// <summary>Creates a router over validated options (see <see cref="RoutingOptionsValidator"/>).</summary>
    public Router(RoutingOptions options, IReadOnlyDictionary<string, DestinationOptions> destinations)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(destinations);
        rules = options.Rules.Append(options.Default)
            .Select(r => (r, string.IsNullOrEmpty(r.SeriesDescription) ? null : new Regex(r.SeriesDescription, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeout)))
            .ToList();
        this.destinations = destinations;
    }

    /// <summary>The decision for <paramref name="series"/>.</summary>
    public RoutingDecision Route(SeriesFacts series)
    {
        ArgumentNullException.ThrowIfNull(series);
        foreach (var (rule, description) in rules)
        {
            if (!Takes(rule, description, series))
            {
                continue;
            }

            var name = string.IsNullOrEmpty(rule.Name) ? "unnamed" : rule.Name;
            if (series.ImageCount < rule.MinImages)
            {
                return RoutingDecision.Reject(name, string.Create(CultureInfo.InvariantCulture, $"incomplete: {series.ImageCount} image(s), rule {name} needs at least {rule.MinImages}"));
            }

            if (series.ImageCount > rule.MaxImages)
            {
                return RoutingDecision.Reject(name, string.Create(CultureInfo.InvariantCulture, $"unexpected: {series.ImageCount} images, rule {name} allows at most {rule.MaxImages}"));
            }

            var targets = rule.Destinations.Count > 0 ? rule.Destinations.ToArray() : SenderDestination(series.CallingAeTitle);
            if (targets.Length == 0)
            {
                return RoutingDecision.Reject(name, $"no destination: rule {name} names none and no destination has the sender's AE title {series.CallingAeTitle}");
            }

            return RoutingDecision.Segment(name, rule.Decoders.ToArray(), rule.Outputs.Count > 0 ? rule.Outputs.ToArray() : DefaultOutputs, targets);
        }

        return RoutingDecision.NoMatch($"no routing rule takes {series.Modality} series from {series.CallingAeTitle} to {series.CalledAeTitle}");
    }

    /// <summary>True when <paramref name="value"/> is one of <paramref name="patterns"/> (exact, or a prefix ending in *); an empty list takes anything.</summary>
    internal static bool MatchesAeTitle(IList<string> patterns, string value) =>
        patterns.Count == 0 || patterns.Any(p => p.EndsWith('*') ? value.StartsWith(p[..^1], StringComparison.Ordinal) : string.Equals(p, value, StringComparison.Ordinal));

    private static bool Takes(RoutingRule rule, Regex? description, SeriesFacts series)
    {
        var modalities = rule.Modalities.Count == 0 ? ["CT"] : rule.Modalities;
        if (!MatchesAeTitle(rule.CallingAeTitles, series.CallingAeTitle)
            || !MatchesAeTitle(rule.CalledAeTitles, series.CalledAeTitle)
            || !modalities.Contains(series.Modality, StringComparer.Ordinal)
            || (rule.BodyParts.Count > 0 && !rule.BodyParts.Contains(series.BodyPart, StringComparer.OrdinalIgnoreCase)))
        {
            return false;
        }

        if (rule.MinSliceThickness is { } min && (series.SliceThickness is not { } t1 || t1 < min))
        {
            return false;
        }

        if (rule.MaxSliceThickness is { } max && (series.SliceThickness is not { } t2 || t2 > max))
        {
            return false;
        }

        if (description is null)
        {
            return true;
        }

        try
        {
            return description.IsMatch(series.SeriesDescription);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private string[] SenderDestination(string callingAeTitle) =>
        destinations.Where(d => string.Equals(d.Value.AeTitle, callingAeTitle, StringComparison.Ordinal)).Select(d => d.Key).Order(StringComparer.Ordinal).Take(1).ToArray();
}
