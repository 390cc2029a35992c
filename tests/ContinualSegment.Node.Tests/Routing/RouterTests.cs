using ContinualSegment.Node.Export;
using ContinualSegment.Node.Routing;

namespace ContinualSegment.Node.Tests.Routing;

public sealed class RouterTests
{
    private static readonly Dictionary<string, DestinationOptions> Destinations = new(StringComparer.Ordinal)
    {
        ["PACS"] = new DestinationOptions { AeTitle = "PACS", Host = "127.0.0.1", Port = 104 },
        ["TPS"] = new DestinationOptions { AeTitle = "TPS", Host = "127.0.0.1", Port = 105 },
        ["CT01-BACK"] = new DestinationOptions { AeTitle = "CT01", Host = "127.0.0.1", Port = 106 },
    };

    private static SeriesFacts Ct(string calling = "CT01", string bodyPart = "CHEST", string description = "Thorax 1.0 B31f", double? thickness = 1.0, int images = 300) =>
        new(calling, "CSEG", "CT", bodyPart, description, thickness, images);

    [Fact]
    public void The_first_rule_that_takes_the_series_decides_with_its_choices()
    {
        var options = new RoutingOptions();
        var chest = new RoutingRule { Name = "chest", SeriesDescription = "^thorax", MaxSliceThickness = 2.5 };
        chest.BodyParts.Add("chest");
        chest.Destinations.Add("TPS");
        chest.Decoders.Add("chest");
        chest.Outputs.Add("rtstruct");
        options.Rules.Add(chest);
        options.Default.Destinations.Add("PACS");
        var router = new Router(options, Destinations);

        var decision = router.Route(Ct());

        Assert.Equal(RoutingVerdict.Segment, decision.Verdict);
        Assert.Equal("chest", decision.Rule);
        Assert.Equal(["TPS"], decision.Destinations);
        Assert.Equal(["chest"], decision.Decoders);
        Assert.Equal(["rtstruct"], decision.Outputs);

        var thick = router.Route(Ct(thickness: 5));
        Assert.Equal("default", thick.Rule);
        Assert.Equal(["PACS"], thick.Destinations);
        Assert.Equal(["seg", "rtstruct"], thick.Outputs);
        Assert.Equal("default", router.Route(Ct(thickness: null)).Rule);
        Assert.Equal("default", router.Route(Ct(description: "Abdomen")).Rule);
    }

    [Fact]
    public void Without_destinations_results_go_back_to_the_senders_configured_destination()
    {
        var router = new Router(new RoutingOptions(), Destinations);

        Assert.Equal(["CT01-BACK"], router.Route(Ct()).Destinations);
        var unknown = router.Route(Ct(calling: "CT99"));
        Assert.Equal(RoutingVerdict.Rejected, unknown.Verdict);
        Assert.Contains("CT99", unknown.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_series_outside_the_image_range_is_rejected_with_the_reason()
    {
        var options = new RoutingOptions();
        options.Default.MinImages = 20;
        options.Default.MaxImages = 1000;
        options.Default.Destinations.Add("PACS");
        var router = new Router(options, Destinations);

        var few = router.Route(Ct(images: 3));
        var many = router.Route(Ct(images: 1500));

        Assert.Equal(RoutingVerdict.Rejected, few.Verdict);
        Assert.StartsWith("incomplete: 3 image(s)", few.Reason, StringComparison.Ordinal);
        Assert.StartsWith("unexpected: 1500 images", many.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_modalities_and_other_ae_titles_match_nothing_and_say_so()
    {
        var options = new RoutingOptions();
        options.Default.CallingAeTitles.Add("CT*");
        options.Default.Destinations.Add("PACS");
        var router = new Router(options, Destinations);

        var mr = router.Route(new SeriesFacts("CT01", "CSEG", "MR", string.Empty, string.Empty, null, 100));
        var other = router.Route(Ct(calling: "US01"));

        Assert.Equal(RoutingVerdict.Unmatched, mr.Verdict);
        Assert.Contains("MR", mr.Reason, StringComparison.Ordinal);
        Assert.Equal(RoutingVerdict.Unmatched, other.Verdict);
        Assert.Equal(RoutingVerdict.Segment, router.Route(Ct(calling: "CT02")).Verdict);
    }

    [Fact]
    public void The_validator_names_every_problem_with_its_key()
    {
        var options = new RoutingOptions { QuietPeriodSeconds = 0 };
        var bad = new RoutingRule { Name = "x", SeriesDescription = "(unclosed", MinSliceThickness = 3, MaxSliceThickness = 1, MinImages = 10, MaxImages = 5 };
        bad.Outputs.Add("pdf");
        bad.Destinations.Add("NOWHERE");
        options.Rules.Add(bad);
        options.Rules.Add(new RoutingRule { Name = "x" });

        var result = new RoutingOptionsValidator(Destinations.Keys).Validate(null, options);

        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.StartsWith("Routing:QuietPeriodSeconds", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Routing:Rules:0:SeriesDescription", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("MinSliceThickness 3 is above", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("image range 10-5", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'pdf'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'NOWHERE'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("'x' is used more than once", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Routing:Rules:0:Outputs must include seg or rtstruct", StringComparison.Ordinal));
        Assert.Equal(8, failures.Count);
        Assert.True(new RoutingOptionsValidator(Destinations.Keys).Validate(null, new RoutingOptions()).Succeeded);
    }
}
