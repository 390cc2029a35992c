namespace ContinualSegment.Cli.Tests.Serve;

/// <summary>A <see cref="ConformanceNode"/> listening with DICOM TLS only, requiring a client certificate.</summary>
public sealed class TlsConformanceNode : ConformanceNode
{
    public TlsConformanceNode()
        : base(tls: true)
    {
    }
}
