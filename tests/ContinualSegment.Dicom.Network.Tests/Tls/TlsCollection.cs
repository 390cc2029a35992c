
namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Tests sharing one set of throwaway TLS material.</summary>
[CollectionDefinition(Name)]
public sealed class TlsCollection : ICollectionFixture<TestPki>
{
    public const string Name = "DICOM TLS";
}
