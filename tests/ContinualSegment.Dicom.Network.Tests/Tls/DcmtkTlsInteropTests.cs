using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>DICOM TLS with dcmtk (built with OpenSSL) as the real peer, in both directions and with each BCP 195 profile.</summary>
[Collection(TlsCollection.Name)]
public sealed class DcmtkTlsInteropTests(TestPki pki)
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("+py", DicomTlsProfile.Bcp195NonDowngrading)]
    [InlineData("+px", DicomTlsProfile.Bcp195)]
    [InlineData("+pz", DicomTlsProfile.Bcp195Extended)]
    public async Task Storescu_OverTls_StoresIdenticalInstancesInOurScp(string dcmtkProfile, DicomTlsProfile profile)
    {
        using var temp = new TempDirectory();
        await using var server = TlsTestServer.Start(pki, temp.Path, profile, DicomTlsClientCertificateMode.Required);
        var source = DimseTestSupport.TestFile("CT_small.dcm");
        using var storescu = ExternalProcess.Start(
            "storescu",
            ["+tls", pki.ClientKey, pki.ClientCertificate, "+cf", pki.CaFile, dcmtkProfile, "-aec", "ANY-SCP", "127.0.0.1", Port(server.Port), source],
            DimseTestSupport.NoDelay);
        var exit = await storescu.WaitAsync(ToolTimeout);
        Assert.True(exit == 0, storescu.Output);

        var original = DicomFile.Open(source);
        var received = DicomFile.Open(Path.Combine(temp.Path, StorageScp.FileNameFor(original.Dataset.GetString(DicomTags.SOPInstanceUID))!));
        DimseTestSupport.AssertSameDataSet(original.Dataset, received.Dataset);

        Assert.True(server.Acceptor.Requests.TryDequeue(out var request));
        Assert.True(request.TlsProtocol is SslProtocols.Tls12 or SslProtocols.Tls13, $"negotiated {request.TlsProtocol}");
        Assert.NotNull(request.PeerCertificate);
        Assert.Contains("CN=CSEG-TEST-SCU", request.PeerCertificate.Subject, StringComparison.Ordinal);
        await server.AssertNoLeakAsync();
    }

    [Fact]
    public async Task Echoscu_OverTls_IsAnswered()
    {
        using var temp = new TempDirectory();
        await using var server = TlsTestServer.Start(pki, temp.Path);
        using var echo = ExternalProcess.Start(
            "echoscu",
            ["-v", "+tls", pki.ClientKey, pki.ClientCertificate, "+cf", pki.CaFile, "127.0.0.1", Port(server.Port)],
            DimseTestSupport.NoDelay);
        Assert.True(await echo.WaitAsync(ToolTimeout) == 0, echo.Output);
        Assert.Contains("Received Echo Response (Success)", echo.Output, StringComparison.Ordinal);
        await server.AssertNoLeakAsync();
    }

    [Fact]
    public async Task Echoscu_WithoutTls_AgainstOurTlsPort_FailsWithoutLeakingASlot()
    {
        using var temp = new TempDirectory();
        await using var server = TlsTestServer.Start(pki, temp.Path, maxAssociations: 1);
        using var echo = ExternalProcess.Start("echoscu", ["-to", "5", "-ta", "5", "127.0.0.1", Port(server.Port)], DimseTestSupport.NoDelay);
        Assert.NotEqual(0, await echo.WaitAsync(ToolTimeout));
        Assert.DoesNotContain("Received Echo Response", echo.Output, StringComparison.Ordinal);
        await server.AssertNoLeakAsync();
        Assert.Empty(server.Acceptor.Requests);

        // The one slot is free again: a TLS peer is served.
        await using var client = await DicomClient.ConnectAsync(TlsTestServer.ClientOptions(server.Port, TlsTestServer.ClientTls(pki)), DicomClient.ProposeContexts(DicomUids.Verification), CancellationToken.None);
        Assert.True((await client.EchoAsync(CancellationToken.None)).IsSuccess);
        await client.ReleaseAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData("+py", DicomTlsProfile.Bcp195NonDowngrading)]
    [InlineData("+px", DicomTlsProfile.Bcp195)]
    [InlineData("+pz", DicomTlsProfile.Bcp195Extended)]
    public async Task OurScu_OverTls_StoresIntoStorescp(string dcmtkProfile, DicomTlsProfile profile)
    {
        using var temp = new TempDirectory();
        var output = temp.Sub("storescp");
        var port = DimseTestSupport.FreePort();
        using var storescp = ExternalProcess.Start(
            "storescp",
            ["+tls", pki.ServerKey, pki.ServerCertificate, "+cf", pki.CaFile, dcmtkProfile, "-aet", "STORESCP", "-od", output, Port(port)],
            DimseTestSupport.NoDelay);
        var source = DimseTestSupport.TestFile("MR_small.dcm");
        var options = TlsTestServer.ClientOptions(port, TlsTestServer.ClientTls(pki, profile), "STORESCP");
        var results = await WithRetryAsync(storescp, () => DicomClient.SendFilesAsync(options, [source], null, CancellationToken.None));

        var result = Assert.Single(results);
        Assert.True(result.Succeeded, $"{result.Error} {storescp.Output}");
        var original = DicomFile.Open(source);
        var stored = Assert.Single(Directory.GetFiles(output));
        DimseTestSupport.AssertSameDataSet(original.Dataset, DicomFile.Open(stored).Dataset);
    }

    [Fact]
    public async Task OurScu_WithoutClientCertificate_IsRefusedByStorescpThatRequiresOne()
    {
        using var temp = new TempDirectory();
        var output = temp.Sub("storescp");
        var port = DimseTestSupport.FreePort();
        using var storescp = ExternalProcess.Start(
            "storescp",
            ["+tls", pki.ServerKey, pki.ServerCertificate, "+cf", pki.CaFile, "--require-peer-cert", "-aet", "STORESCP", "-od", output, Port(port)],
            DimseTestSupport.NoDelay);
        var options = TlsTestServer.ClientOptions(port, TlsTestServer.ClientTls(pki, withCertificate: false), "STORESCP");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => WithRetryAsync(storescp, async () =>
        {
            await using var client = await DicomClient.ConnectAsync(options, DicomClient.ProposeContexts(DicomUids.Verification), CancellationToken.None);
            return await client.EchoAsync(CancellationToken.None);
        }));
        Assert.True(error is AuthenticationException or AssociationAbortedException or IOException, error.ToString());
        Assert.Empty(Directory.GetFiles(output));
    }

    [Fact]
    public async Task OurScu_RefusesStorescpWhoseCertificateItsCaDidNotSign()
    {
        var port = DimseTestSupport.FreePort();
        using var temp = new TempDirectory();
        using var storescp = ExternalProcess.Start(
            "storescp",
            ["+tls", pki.ServerKey, pki.ServerCertificate, "+cf", pki.CaFile, "-aet", "STORESCP", "-od", temp.Path, Port(port)],
            DimseTestSupport.NoDelay);
        var tls = TlsTestServer.ClientTls(pki) with { TrustedCaFile = pki.OtherCaFile };
        var options = TlsTestServer.ClientOptions(port, tls, "STORESCP");
        await Assert.ThrowsAsync<AuthenticationException>(() => WithRetryAsync(storescp, async () =>
        {
            await using var client = await DicomClient.ConnectAsync(options, DicomClient.ProposeContexts(DicomUids.Verification), CancellationToken.None);
            return 0;
        }));
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static async Task<T> WithRetryAsync<T>(ExternalProcess peer, Func<Task<T>> action)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                return await action();
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !peer.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }
}
