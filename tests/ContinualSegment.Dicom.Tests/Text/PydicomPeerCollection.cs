namespace ContinualSegment.Dicom.Tests.Text;

/// <summary>Shares one pydicom run among the test classes that compare against it.</summary>
[CollectionDefinition(Name)]
public sealed class PydicomPeerCollection : ICollectionFixture<PydicomCharsetPeer>
{
    public const string Name = "pydicom charset peer";
}
