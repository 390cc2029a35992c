namespace ContinualSegment.Node.Routing;

/// <summary>
/// One routing rule (<c>Routing:Rules:N</c>). Every criterion that is set must hold for the rule to take a series; an empty
/// criterion matches anything. AE titles are compared exactly (case-sensitive, as DICOM does) and may end in <c>*</c> for a prefix.
/// The image-count range does not make a rule miss: a series the rule takes but whose count is outside it is recorded
/// as rejected with the reason (incomplete or unexpected), not segmented.
/// </summary>
public sealed class RoutingRule
{
    /// <summary>The rule's name (recorded with each job it makes).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Calling AE titles (the sender); empty: any.</summary>
    public IList<string> CallingAeTitles { get; } = [];

    /// <summary>Called AE titles (ours); empty: any.</summary>
    public IList<string> CalledAeTitles { get; } = [];

    /// <summary>Modalities; empty: CT.</summary>
    public IList<string> Modalities { get; } = [];

    /// <summary>Body Part Examined values, compared without case; empty: any.</summary>
    public IList<string> BodyParts { get; } = [];

    /// <summary>A regular expression the Series Description must match (case-insensitive); empty: any.</summary>
    public string SeriesDescription { get; set; } = string.Empty;

    /// <summary>Smallest Slice Thickness in mm; unset: no lower bound.</summary>
    public double? MinSliceThickness { get; set; }

    /// <summary>Largest Slice Thickness in mm; unset: no upper bound.</summary>
    public double? MaxSliceThickness { get; set; }

    /// <summary>Fewest images a series may have to be segmented.</summary>
    public int MinImages { get; set; } = 1;

    /// <summary>Most images a series may have to be segmented.</summary>
    public int MaxImages { get; set; } = 5000;

    /// <summary>Decoders to run; empty: every enabled decoder.</summary>
    public IList<string> Decoders { get; } = [];

    /// <summary>What to make: seg, rtstruct, labels, preview; empty: seg and rtstruct.</summary>
    public IList<string> Outputs { get; } = [];

    /// <summary>Destination names (<c>Destinations:NAME</c>); empty: back to the sender's configured destination.</summary>
    public IList<string> Destinations { get; } = [];
}
