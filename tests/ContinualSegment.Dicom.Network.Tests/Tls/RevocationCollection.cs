
namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Revocation tests sharing one throwaway PKI with CRLs.</summary>
[CollectionDefinition(Name)]
public sealed class RevocationCollection : ICollectionFixture<RevocationPki>
{
    public const string Name = "DICOM TLS revocation";
}
