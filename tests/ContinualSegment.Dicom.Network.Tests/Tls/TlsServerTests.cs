using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Our SCP and SCU over DICOM TLS: client certificates, trust, refused protocol versions and slot accounting.</summary>
[Collection(TlsCollection.Name)]
public sealed class TlsServerTests(TestPki pki)
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task OurScuAndScp_EchoOverTls_WithMutualAuthentication()
    {
        using var temp = new TempDirectory();
        await using var server = TlsTestServer.Start(pki, temp.Path);
        await using (var client = await ConnectAsync(server.Port, TlsTestServer.ClientTls(pki)))
        {
            Assert.True(client.Association.TlsProtocol is SslProtocols.Tls12 or SslProtocols.Tls13);
            Assert.Contains("CN=localhost", client.Association.PeerCertificate!.Subject, StringComparison.Ordinal);
            Assert.True((await client.EchoAsync(CancellationToken.None)).IsSuccess);
            await client.ReleaseAsync(CancellationToken.None);
        }

        Assert.True(server.Acceptor.Requests.TryDequeue(out var request));
        Assert.Contains("CN=CSEG-TEST-SCU", request.PeerCertificate!.Subject, StringComparison.Ordinal);
        await server.AssertNoLeakAsync();
    }

    [Fact]
    public async Task ClientWithoutCertificate_IsRefused_WhenTheScpRequiresOne()
    {
        using var temp = new TempDirectory();
        await using var server = TlsTestServer.Start(pki, temp.Path, clientCertificates: DicomTlsClientCertificateMode.Required);
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var client = await ConnectAsync(server.Port, TlsTestServer.ClientTls(pki, withCertificate: false));
            await client.EchoAsync(CancellationToken.None);
        });
        Assert.True(error is AuthenticationException or AssociationAbortedException or IOException, error.ToString());
        Assert.Empty(server.Acceptor.Requests);
        await server.AssertNoLeakAsync();
    }

    [Fact]
    public async Task ClientWithoutCertificate_IsServed_WhenTheCertificateIsOptional()
    {
        using var temp = new TempDirectory();
        await using var server = TlsTestServer.Start(pki, temp.Path, clientCertificates: DicomTlsClientCertificateMode.Optional);
        await using (var client = await ConnectAsync(server.Port, TlsTestServer.ClientTls(pki, withCertificate: false)))
        {
            Assert.True((await client.EchoAsync(CancellationToken.None)).IsSuccess);
            await client.ReleaseAsync(CancellationToken.None);
        }

        Assert.True(server.Acceptor.Requests.TryDequeue(out var request));
        Assert.Null(request.PeerCertificate);
        await server.AssertNoLeakAsync();
    }

    [Theory]
    [InlineData(DicomTlsClientCertificateMode.Optional)]
    [InlineData(DicomTlsClientCertificateMode.Required)]
    public async Task ClientCertificateFromAnUntrustedCa_IsRefused(DicomTlsClientCertificateMode mode)
    {
        using var temp = new TempDirectory();
        await using var server = TlsTestServer.Start(pki, temp.Path, clientCertificates: mode);
        var tls = TlsTestServer.ClientTls(pki) with { CertificateFile = pki.StrangerCertificate, PrivateKeyFile = pki.StrangerKey };
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var client = await ConnectAsync(server.Port, tls);
            await client.EchoAsync(CancellationToken.None);
        });
        Assert.True(error is AuthenticationException or AssociationAbortedException or IOException, error.ToString());
        Assert.Empty(server.Acceptor.Requests);
        await server.AssertNoLeakAsync();
    }

    [Fact]
    public async Task OurScu_RefusesAServerCertificateForAnotherName()
    {
        using var temp = new TempDirectory();
        await using var server = TlsTestServer.Start(pki, temp.Path);
        var tls = TlsTestServer.ClientTls(pki) with { ServerName = "pacs.example.org" };
        await Assert.ThrowsAsync<AuthenticationException>(() => ConnectAsync(server.Port, tls));
        Assert.Empty(server.Acceptor.Requests);
        await server.AssertNoLeakAsync();
    }

    [Fact]
    public async Task PlainDicomRequest_AgainstTlsPort_FailsCleanlyAndFreesTheSlot()
    {
        using var temp = new TempDirectory();
        await using var server = TlsTestServer.Start(pki, temp.Path, maxAssociations: 1);
        var plain = TlsTestServer.ClientOptions(server.Port, tls: null) with { UpperLayer = TestServer.FastOptions() with { AcseTimeout = TimeSpan.FromSeconds(5) } };
        var error = await Assert.ThrowsAnyAsync<Exception>(() => DicomClient.ConnectAsync(plain, DicomClient.ProposeContexts(DicomUids.Verification), CancellationToken.None));
        Assert.True(error is AssociationAbortedException or IOException or SocketException, error.ToString());
        await server.AssertNoLeakAsync();
        Assert.Empty(server.Acceptor.Requests);

        await using var client = await ConnectAsync(server.Port, TlsTestServer.ClientTls(pki));
        Assert.True((await client.EchoAsync(CancellationToken.None)).IsSuccess);
        await client.ReleaseAsync(CancellationToken.None);
    }

    [Fact]
    public async Task SilentConnection_IsDroppedAfterTheHandshakeTimeout_AndFreesTheSlot()
    {
        using var temp = new TempDirectory();
        await using var server = TlsTestServer.Start(pki, temp.Path, maxAssociations: 1, handshakeTimeout: TimeSpan.FromSeconds(1));
        using var silent = new TcpClient();
        await silent.ConnectAsync(IPAddress.Loopback, server.Port);
        await Wait.UntilAsync(() => server.Server.UpperLayer.PendingHandshakeCount == 1, "the silent connection did not start a handshake");
        Assert.Equal(1, server.Server.UpperLayer.ActiveAssociationCount);
        await server.AssertNoLeakAsync();

        // The server closed the connection: reading sees the end of the stream.
        var buffer = new byte[16];
        using var read = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await silent.GetStream().ReadAsync(buffer, read.Token));
    }

    [Fact]
    public async Task IdleTlsAssociation_IsAbortedByTheScp()
    {
        using var temp = new TempDirectory();
        var options = TestServer.FastOptions(artim: TimeSpan.FromSeconds(1), idle: TimeSpan.FromSeconds(1));
        await using var server = TlsTestServer.Start(TlsTestServer.ServerTls(pki), temp.Path, association: options);
        await using var client = await ConnectAsync(server.Port, TlsTestServer.ClientTls(pki));
        var ended = await client.Association.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(AssociationEndReason.PeerAbort, ended);
        Assert.NotNull(client.Association.ReceivedAbort);
        await server.AssertNoLeakAsync();
    }

    [Theory]
    [InlineData("-tls1")]
    [InlineData("-tls1_1")]
    public async Task OurScp_NeverNegotiatesTls10Or11(string version)
    {
        using var temp = new TempDirectory();
        await using var server = TlsTestServer.Start(pki, temp.Path);
        // Security level 0 lets OpenSSL offer the old version at all; the server must answer with a protocol_version alert.
        var (exit, output) = await SClientAsync(server.Port, version, "-cipher", "DEFAULT@SECLEVEL=0");
        Assert.NotEqual(0, exit);
        Assert.Contains("alert protocol version", output, StringComparison.Ordinal);
        Assert.Empty(server.Acceptor.Requests);
        await server.AssertNoLeakAsync();
    }

    [Theory]
    [InlineData("-tls1_2", "TLSv1.2")]
    [InlineData("-tls1_3", "TLSv1.3")]
    public async Task OurScp_NegotiatesTls12And13(string version, string expected)
    {
        using var temp = new TempDirectory();
        await using var server = TlsTestServer.Start(pki, temp.Path);
        var (exit, output) = await SClientAsync(server.Port, version);
        Assert.True(exit == 0, output);
        Assert.Contains("New, " + expected + ", Cipher is ", output, StringComparison.Ordinal);
        await server.AssertNoLeakAsync();
    }

    [Fact]
    public async Task ExtendedProfile_RefusesDheSuites_AndAcceptsEcdheGcm()
    {
        using var temp = new TempDirectory();
        await using var server = TlsTestServer.Start(pki, temp.Path, DicomTlsProfile.Bcp195Extended);
        var (dheExit, dheOutput) = await SClientAsync(server.Port, "-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256");
        Assert.NotEqual(0, dheExit);
        Assert.DoesNotContain("Cipher is DHE-RSA-AES128-GCM-SHA256", dheOutput, StringComparison.Ordinal);
        var (exit, output) = await SClientAsync(server.Port, "-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384");
        Assert.True(exit == 0, output);
        Assert.Contains("ECDHE-RSA-AES256-GCM-SHA384", output, StringComparison.Ordinal);
        await server.AssertNoLeakAsync();
    }

    [Fact]
    public async Task OurScu_RefusesAServerThatOffersOnlyTls11()
    {
        var port = DimseTestSupport.FreePort();
        using var server = ExternalProcess.Start(
            "openssl",
            ["s_server", "-accept", "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), "-cert", pki.ServerCertificate, "-key", pki.ServerKey, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"],
            stdinHeldOpen: true);
        await DimseTestSupport.WaitForListenerAsync(port, server);
        await Assert.ThrowsAsync<AuthenticationException>(() => ConnectAsync(port, TlsTestServer.ClientTls(pki)));
    }

    private static Task<DicomClient> ConnectAsync(int port, DicomTlsOptions tls) =>
        DicomClient.ConnectAsync(TlsTestServer.ClientOptions(port, tls), DicomClient.ProposeContexts(DicomUids.Verification), CancellationToken.None);

    private async Task<(int ExitCode, string Output)> SClientAsync(int port, params string[] options)
    {
        using var client = ExternalProcess.Start(
            "openssl",
            ["s_client", "-connect", "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), "-CAfile", pki.CaFile, "-cert", pki.ClientCertificate, "-key", pki.ClientKey, .. options],
            stdinClosed: true);
        var exit = await client.WaitAsync(ToolTimeout);
        return (exit, client.Output);
    }
}
