using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Our SCP and SCU refusing revoked peer certificates listed in administrator-provided CRLs.</summary>
[Collection(RevocationCollection.Name)]
public sealed class TlsRevocationTests(RevocationPki pki)
{
    [Fact]
    public async Task OurScp_WithTheCrl_RefusesTheRevokedClient_AndServesTheOther()
    {
        using var temp = new TempDirectory();
        var refusals = new System.Collections.Concurrent.ConcurrentQueue<ConnectionRefusal>();
        await using var server = TlsTestServer.Start(ServerTls([pki.ClientCrl]), temp.Path, refused: refusals.Enqueue);

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var client = await ConnectAsync(server.Port, ClientTls([], pki.RevokedClientCertificate, pki.RevokedClientKey));
            await client.EchoAsync(CancellationToken.None);
        });
        Assert.True(error is AuthenticationException or AssociationAbortedException or IOException, error.ToString());
        Assert.Empty(server.Acceptor.Requests);
        await server.AssertNoLeakAsync();

        // The server says why: the refusal names the peer and the revoked serial.
        var refusal = Assert.Single(refusals);
        Assert.Equal(IPAddress.Loopback, refusal.RemoteEndPoint?.Address);
        Assert.StartsWith("DICOM TLS handshake failed: ", refusal.Reason, StringComparison.Ordinal);
        Assert.Contains($"certificate serial {pki.RevokedClientSerial} ", refusal.Reason, StringComparison.Ordinal);

        await using (var client = await ConnectAsync(server.Port, ClientTls([], pki.GoodClientCertificate, pki.GoodClientKey)))
        {
            Assert.True((await client.EchoAsync(CancellationToken.None)).IsSuccess);
            await client.ReleaseAsync(CancellationToken.None);
        }

        Assert.True(server.Acceptor.Requests.TryDequeue(out var request));
        Assert.Contains("CN=CSEG-GOOD-SCU", request.PeerCertificate!.Subject, StringComparison.Ordinal);
        await server.AssertNoLeakAsync();
    }

    [Fact]
    public async Task ServerHandshake_NamesTheRevokedSerialAndTheCrl()
    {
        using var context = DicomTlsContext.Create(ServerTls([pki.ClientCrlDer]), isServer: true);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serverSide = Task.Run(async () =>
        {
            var socket = await listener.AcceptSocketAsync();
            await using var stream = await context.AuthenticateAsServerAsync(socket, CancellationToken.None);
        });
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var client = await ConnectAsync(port, ClientTls([], pki.RevokedClientCertificate, pki.RevokedClientKey));
            await client.EchoAsync(CancellationToken.None);
        });
        var error = await Assert.ThrowsAsync<AuthenticationException>(() => serverSide.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains($"certificate serial {pki.RevokedClientSerial} ", error.Message, StringComparison.Ordinal);
        Assert.Contains("revoked by CRL " + pki.ClientCrlDer, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OurScu_WithACrlRevokingTheServer_RefusesToConnect()
    {
        using var temp = new TempDirectory();
        await using var server = TlsTestServer.Start(ServerTls([]), temp.Path);
        var error = await Assert.ThrowsAsync<AuthenticationException>(() =>
            ConnectAsync(server.Port, ClientTls([pki.ServerCrl], pki.GoodClientCertificate, pki.GoodClientKey)));
        Assert.Contains($"certificate serial {pki.ServerSerial} ", error.Message, StringComparison.Ordinal);
        Assert.Contains("revoked by CRL " + pki.ServerCrl, error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Acceptor.Requests);

        // The same server is fine for an SCU whose CRL does not list it.
        await using var client = await ConnectAsync(server.Port, ClientTls([pki.ClientCrl], pki.GoodClientCertificate, pki.GoodClientKey));
        Assert.True((await client.EchoAsync(CancellationToken.None)).IsSuccess);
        await client.ReleaseAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ExpiredCrl_RefusesTheHandshake()
    {
        using var temp = new TempDirectory();
        await using var server = TlsTestServer.Start(ServerTls([]), temp.Path);
        var error = await Assert.ThrowsAsync<AuthenticationException>(() =>
            ConnectAsync(server.Port, ClientTls([pki.ExpiredCrl], pki.GoodClientCertificate, pki.GoodClientKey)));
        Assert.Contains(pki.ExpiredCrl, error.Message, StringComparison.Ordinal);
        Assert.Contains("expired on 2020-01-02", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Acceptor.Requests);
    }

    [Fact]
    public async Task ExpiredCrl_OnTheScp_RefusesClientsOfThatCa()
    {
        using var temp = new TempDirectory();
        await using var server = TlsTestServer.Start(ServerTls([pki.ExpiredCrl]), temp.Path);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var client = await ConnectAsync(server.Port, ClientTls([], pki.GoodClientCertificate, pki.GoodClientKey));
            await client.EchoAsync(CancellationToken.None);
        });
        Assert.Empty(server.Acceptor.Requests);
        await server.AssertNoLeakAsync();
    }

    [Fact]
    public void CrlSignedByAnotherCa_IsRefusedAtStartUp()
    {
        var tls = ServerTls([pki.ClientCrl, pki.OtherCaCrl]);
        var error = Assert.Throws<DicomTlsConfigurationException>(() => new UpperLayerServer(
            new UpperLayerServerOptions { BindAddress = IPAddress.Loopback, Tls = tls }, new AssociationNegotiator(TestServer.DefaultPolicy), new TestHandler()));
        Assert.Contains(pki.OtherCaCrl, error.Message, StringComparison.Ordinal);
        Assert.Contains("not signed by any CA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingOrUnreadableCrl_IsRefusedAtStartUp()
    {
        var missing = Path.Combine(pki.Directory, "nowhere.crl");
        var notFound = Assert.Throws<DicomTlsConfigurationException>(() => DicomTlsContext.Create(ClientTls([missing], null, null), isServer: false));
        Assert.Contains(missing, notFound.Message, StringComparison.Ordinal);
        Assert.Contains("not found", notFound.Message, StringComparison.Ordinal);

        var notACrl = Assert.Throws<DicomTlsConfigurationException>(() => DicomTlsContext.Create(ClientTls([pki.ServerKey], null, null), isServer: false));
        Assert.Contains(pki.ServerKey, notACrl.Message, StringComparison.Ordinal);

        var noCa = Assert.Throws<DicomTlsConfigurationException>(() => DicomTlsContext.Create(new DicomTlsOptions { CrlFiles = [pki.ClientCrl] }, isServer: false));
        Assert.Contains("trusted CA", noCa.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadedContext_KeepsEveryCrl()
    {
        using var context = DicomTlsContext.Create(ServerTls([pki.ClientCrl, pki.ServerCrl]), isServer: true);
        Assert.Equal(2, context.RevocationLists.Count);
        Assert.Contains(context.RevocationLists, c => c.RevokedSerialNumbers.Contains(pki.ServerSerial));
    }

    private DicomTlsOptions ServerTls(string[] crls) => new()
    {
        CertificateFile = pki.ServerCertificate,
        PrivateKeyFile = pki.ServerKey,
        TrustedCaFile = pki.CaFile,
        ClientCertificates = DicomTlsClientCertificateMode.Required,
        HandshakeTimeout = TimeSpan.FromSeconds(10),
        CrlFiles = crls,
    };

    private DicomTlsOptions ClientTls(string[] crls, string? certificate, string? key) => new()
    {
        CertificateFile = certificate,
        PrivateKeyFile = key,
        TrustedCaFile = pki.CaFile,
        CrlFiles = crls,
    };

    private static Task<DicomClient> ConnectAsync(int port, DicomTlsOptions tls) =>
        DicomClient.ConnectAsync(TlsTestServer.ClientOptions(port, tls), DicomClient.ProposeContexts(DicomUids.Verification), CancellationToken.None);
}
