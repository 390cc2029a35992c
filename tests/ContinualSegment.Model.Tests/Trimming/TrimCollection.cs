namespace ContinualSegment.Model.Tests.Trimming;

/// <summary>The trimming tests share one trained teacher.</summary>
[CollectionDefinition(Name)]
public sealed class TrimCollection : ICollectionFixture<TrimFixture>
{
    public const string Name = "Trimming teacher";
}
