namespace ContinualSegment.Model.Plans;

/// <summary>A closed range of body-part regression scores.</summary>
public sealed record BodyPartRange
{
    /// <summary>Lowest score covered.</summary>
    public double Min { get; init; } = double.NegativeInfinity;

    /// <summary>Highest score covered.</summary>
    public double Max { get; init; } = double.PositiveInfinity;

    /// <summary>Whether <paramref name="score"/> lies inside the range.</summary>
    public bool Contains(double score) => score >= Min && score <= Max;
}
