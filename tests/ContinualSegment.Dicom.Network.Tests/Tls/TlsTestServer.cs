using System.Net;
using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Our storage SCP over DICOM TLS, recording what each association request looked like.</summary>
internal sealed class TlsTestServer : IAsyncDisposable
{
    private TlsTestServer(DimseServer server, RecordingAcceptor acceptor, string output)
    {
        Server = server;
        Acceptor = acceptor;
        Output = output;
    }

    public DimseServer Server { get; }

    public RecordingAcceptor Acceptor { get; }

    public string Output { get; }

    public int Port => Server.Port;

    public static TlsTestServer Start(TestPki pki, string output, DicomTlsProfile profile = DicomTlsProfile.Bcp195NonDowngrading, DicomTlsClientCertificateMode clientCertificates = DicomTlsClientCertificateMode.Required, int maxAssociations = 8, TimeSpan? handshakeTimeout = null) =>
        Start(ServerTls(pki, profile, clientCertificates, handshakeTimeout), output, maxAssociations);

    public static TlsTestServer Start(DicomTlsOptions tls, string output, int maxAssociations = 8, UpperLayerOptions? association = null, Action<ConnectionRefusal>? refused = null)
    {
        var acceptor = new RecordingAcceptor(new AssociationNegotiator(DicomAcceptancePolicies.Storage()));
        var server = new DimseServer(
            new DimseServerOptions
            {
                Server = new UpperLayerServerOptions { BindAddress = IPAddress.Loopback, MaxAssociations = maxAssociations, Tls = tls, Association = refused is null ? association ?? TestServer.FastOptions() : (association ?? TestServer.FastOptions()) with { Observer = new RecordingObserver(refused) } },
                TempDirectory = Path.Combine(output, ".incoming"),
            },
            acceptor,
            new StorageScp(new StorageScpOptions { OutputDirectory = output, Fsync = true }));
        server.Start();
        return new TlsTestServer(server, acceptor, output);
    }

    public static DicomTlsOptions ServerTls(TestPki pki, DicomTlsProfile profile = DicomTlsProfile.Bcp195NonDowngrading, DicomTlsClientCertificateMode clientCertificates = DicomTlsClientCertificateMode.Required, TimeSpan? handshakeTimeout = null) => new()
    {
        Profile = profile,
        CertificateFile = pki.ServerCertificate,
        PrivateKeyFile = pki.ServerKey,
        TrustedCaFile = pki.CaFile,
        ClientCertificates = clientCertificates,
        HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(10),
    };

    public static DicomTlsOptions ClientTls(TestPki pki, DicomTlsProfile profile = DicomTlsProfile.Bcp195NonDowngrading, bool withCertificate = true) => new()
    {
        Profile = profile,
        CertificateFile = withCertificate ? pki.ClientCertificate : null,
        PrivateKeyFile = withCertificate ? pki.ClientKey : null,
        TrustedCaFile = pki.CaFile,
    };

    public static DicomClientOptions ClientOptions(int port, DicomTlsOptions? tls, string calledAe = "ANY-SCP") => new()
    {
        Host = "127.0.0.1",
        Port = port,
        CalledAeTitle = calledAe,
        Tls = tls,
        DimseTimeout = TimeSpan.FromSeconds(20),
        UpperLayer = TestServer.FastOptions(),
    };

    /// <summary>Asserts that every slot, handshake and connection is released.</summary>
    public Task AssertNoLeakAsync() =>
        Wait.UntilAsync(
            () => Server.UpperLayer.ActiveAssociationCount == 0 && Server.UpperLayer.OpenConnectionCount == 0 && Server.UpperLayer.PendingHandshakeCount == 0,
            $"leaked: {Server.UpperLayer.ActiveAssociationCount} active, {Server.UpperLayer.OpenConnectionCount} open, {Server.UpperLayer.PendingHandshakeCount} handshaking",
            TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync() => await Server.StopAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
}
