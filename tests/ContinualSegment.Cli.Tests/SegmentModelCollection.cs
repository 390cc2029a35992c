namespace ContinualSegment.Cli.Tests;

/// <summary>The segment tests share one trained tiny model.</summary>
[CollectionDefinition(Name)]
public sealed class SegmentModelCollection : ICollectionFixture<SegmentModelFixture>
{
    public const string Name = "segment model";
}
