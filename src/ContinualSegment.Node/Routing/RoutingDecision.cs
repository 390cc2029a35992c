namespace ContinualSegment.Node.Routing;

/// <summary>What routing decided for a series: a job (rule, decoders, outputs, destinations), or why not.</summary>
public sealed record RoutingDecision
{
    private RoutingDecision(RoutingVerdict verdict, string rule, string reason, IReadOnlyList<string> decoders, IReadOnlyList<string> outputs, IReadOnlyList<string> destinations)
    {
        Verdict = verdict;
        Rule = rule;
        Reason = reason;
        Decoders = decoders;
        Outputs = outputs;
        Destinations = destinations;
    }

    /// <summary>Segment, reject, or no rule.</summary>
    public RoutingVerdict Verdict { get; }

    /// <summary>The rule that decided (empty when none matched).</summary>
    public string Rule { get; }

    /// <summary>Why the series is not segmented (empty when it is).</summary>
    public string Reason { get; }

    /// <summary>Decoders to run; empty: every enabled one.</summary>
    public IReadOnlyList<string> Decoders { get; }

    /// <summary>What to make.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>Where to send it (destination names).</summary>
    public IReadOnlyList<string> Destinations { get; }

    /// <summary>Segment the series with <paramref name="rule"/>'s choices.</summary>
    public static RoutingDecision Segment(string rule, IReadOnlyList<string> decoders, IReadOnlyList<string> outputs, IReadOnlyList<string> destinations) =>
        new(RoutingVerdict.Segment, rule, string.Empty, decoders, outputs, destinations);

    /// <summary>The rule took the series but refuses it (image count, no destination …).</summary>
    public static RoutingDecision Reject(string rule, string reason) => new(RoutingVerdict.Rejected, rule, reason, [], [], []);

    /// <summary>No rule took the series.</summary>
    public static RoutingDecision NoMatch(string reason) => new(RoutingVerdict.Unmatched, string.Empty, reason, [], [], []);
}
