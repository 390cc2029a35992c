using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ContinualSegment.Node.Routing;

/// <summary>Checks the <c>Routing</c> section against itself and the configured destinations, one line per problem.</summary>
public sealed class RoutingOptionsValidator : IValidateOptions<RoutingOptions>
{
    private readonly IReadOnlyCollection<string> destinationNames;

    /// <summary>Creates a validator that knows the configured destination names.</summary>
    public RoutingOptionsValidator(IReadOnlyCollection<string> destinationNames)
    {
        ArgumentNullException.ThrowIfNull(destinationNames);
        this.destinationNames = destinationNames;
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var known = destinationNames;
        var problems = new List<string>();
        if (options.QuietPeriodSeconds is < 1 or > 86400)
        {
            problems.Add($"Routing:QuietPeriodSeconds must be 1-86400, not {options.QuietPeriodSeconds}");
        }

        foreach (var (ae, seconds) in options.QuietPeriodSecondsByCallingAe)
        {
            if (seconds is < 1 or > 86400)
            {
                problems.Add($"Routing:QuietPeriodSecondsByCallingAe:{ae} must be 1-86400, not {seconds}");
            }
        }

        if (!Enum.IsDefined(options.GrowthPolicy))
        {
            problems.Add("Routing:GrowthPolicy must be Rerun or Ignore");
        }

        for (var i = 0; i <= options.Rules.Count; i++)
        {
            var rule = i < options.Rules.Count ? options.Rules[i] : options.Default;
            var key = i < options.Rules.Count ? string.Create(CultureInfo.InvariantCulture, $"Routing:Rules:{i}") : "Routing:Default";
            Check(rule, key, known, problems);
        }

        var names = options.Rules.Select(r => r.Name).Where(n => n.Length > 0).GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key);
        problems.AddRange(names.Select(n => $"Routing:Rules: the name '{n}' is used more than once"));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Check(RoutingRule rule, string key, IReadOnlyCollection<string> known, List<string> problems)
    {
        if (!string.IsNullOrEmpty(rule.SeriesDescription))
        {
            try
            {
                _ = new Regex(rule.SeriesDescription, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
            }
            catch (ArgumentException ex)
            {
                problems.Add($"{key}:SeriesDescription is not a valid regular expression: {ex.Message}");
            }
        }

        if (rule.MinSliceThickness is { } min && rule.MaxSliceThickness is { } max && min > max)
        {
            problems.Add($"{key}: MinSliceThickness {min} is above MaxSliceThickness {max}");
        }

        if (rule.MinImages < 1 || rule.MaxImages < rule.MinImages)
        {
            problems.Add($"{key}: the image range {rule.MinImages}-{rule.MaxImages} is empty or starts below 1");
        }

        problems.AddRange(rule.Outputs.Where(o => !Router.KnownOutputs.Contains(o)).Select(o => $"{key}:Outputs: '{o}' is not one of seg, rtstruct, labels, preview"));
        if (rule.Outputs.Count > 0 && !rule.Outputs.Any(static o => o is "seg" or "rtstruct"))
        {
            // Only DICOM results go to destinations: every delivery of such a rule would fail for a day, then die.
            problems.Add($"{key}:Outputs must include seg or rtstruct (the destinations receive only those), not only {string.Join(", ", rule.Outputs)}");
        }

        problems.AddRange(rule.Decoders.Where(static d => string.IsNullOrWhiteSpace(d)).Select(_ => $"{key}:Decoders: an empty decoder name"));
        problems.AddRange(rule.Destinations.Where(d => !known.Contains(d)).Select(d => $"{key}:Destinations: '{d}' is not configured under Destinations"));
    }
}
