using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>Loading TLS material: clear errors for bad input at start, certificates from the OS store, profile suites.</summary>
[Collection(TlsCollection.Name)]
public sealed class DicomTlsContextTests(TestPki pki)
{
    [Fact]
    public void MissingCertificateFile_FailsWhenTheServerIsCreated()
    {
        var missing = Path.Combine(pki.Directory, "nowhere.pem");
        var tls = TlsTestServer.ServerTls(pki) with { CertificateFile = missing };
        var error = Assert.Throws<DicomTlsConfigurationException>(() => new UpperLayerServer(
            new UpperLayerServerOptions { BindAddress = IPAddress.Loopback, Tls = tls }, new AssociationNegotiator(TestServer.DefaultPolicy), new TestHandler()));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerWithoutCertificate_IsRefused()
    {
        var error = Assert.Throws<DicomTlsConfigurationException>(() => DicomTlsContext.Create(new DicomTlsOptions { TrustedCaFile = pki.CaFile }, isServer: true));
        Assert.Contains("needs a certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientWithoutCertificate_IsAllowed()
    {
        using var context = DicomTlsContext.Create(new DicomTlsOptions { TrustedCaFile = pki.CaFile }, isServer: false);
        Assert.Null(context.Certificate);
    }

    [Fact]
    public void KeyOfAnotherCertificate_IsRefusedWithBothFileNames()
    {
        var tls = TlsTestServer.ServerTls(pki) with { PrivateKeyFile = pki.ClientKey };
        var error = Assert.Throws<DicomTlsConfigurationException>(() => DicomTlsContext.Create(tls, isServer: true));
        Assert.Contains(pki.ServerCertificate, error.Message, StringComparison.Ordinal);
        Assert.Contains(pki.ClientKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateFileWithoutKey_IsRefused()
    {
        var tls = TlsTestServer.ServerTls(pki) with { PrivateKeyFile = null };
        var error = Assert.Throws<DicomTlsConfigurationException>(() => DicomTlsContext.Create(tls, isServer: true));
        Assert.Contains(pki.ServerCertificate, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateAndKeyInOneFile_AreLoaded()
    {
        using var temp = new TempDirectory();
        var combined = Path.Combine(temp.Path, "combined.pem");
        File.WriteAllText(combined, File.ReadAllText(pki.ServerCertificate) + File.ReadAllText(pki.ServerKey));
        using var context = DicomTlsContext.Create(TlsTestServer.ServerTls(pki) with { CertificateFile = combined, PrivateKeyFile = null }, isServer: true);
        Assert.True(context.Certificate!.HasPrivateKey);
        Assert.Equal(X509CertificateLoader.LoadCertificateFromFile(pki.ServerCertificate).Thumbprint, context.Certificate.Thumbprint);
    }

    [Fact]
    public void TrustedCaFileWithoutCertificates_IsRefused()
    {
        using var temp = new TempDirectory();
        var empty = Path.Combine(temp.Path, "empty.pem");
        File.WriteAllText(empty, "no certificates here\n");
        var error = Assert.Throws<DicomTlsConfigurationException>(() => DicomTlsContext.Create(TlsTestServer.ServerTls(pki) with { TrustedCaFile = empty }, isServer: true));
        Assert.Contains(empty, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpiredCertificate_IsRefused()
    {
        using var temp = new TempDirectory();
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=expired", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var expired = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        var certificate = Path.Combine(temp.Path, "expired.pem");
        var keyFile = Path.Combine(temp.Path, "expired.key");
        File.WriteAllText(certificate, expired.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        var error = Assert.Throws<DicomTlsConfigurationException>(() => DicomTlsContext.Create(new DicomTlsOptions { CertificateFile = certificate, PrivateKeyFile = keyFile }, isServer: true));
        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralCertificateSources_AreRefused()
    {
        var tls = TlsTestServer.ServerTls(pki) with { StoreSubject = "CN=localhost" };
        Assert.Throws<DicomTlsConfigurationException>(() => tls.Validate(requireCertificate: true));
    }

    [Fact]
    public void UnknownThumbprint_IsRefusedWithTheThumbprint()
    {
        var thumbprint = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        var error = Assert.Throws<DicomTlsConfigurationException>(() => DicomTlsContext.Create(new DicomTlsOptions { StoreThumbprint = thumbprint }, isServer: true));
        Assert.Contains(thumbprint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerCertificateFromTheOsStore_ByThumbprintAndBySubject_ServesTls()
    {
        using var pem = X509Certificate2.CreateFromPemFile(pki.ServerCertificate, pki.ServerKey);
        using var persisted = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable | X509KeyStorageFlags.PersistKeySet);
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(persisted);
        try
        {
            using var bySubject = DicomTlsContext.Create(new DicomTlsOptions { StoreSubject = "localhost" }, isServer: true);
            Assert.Equal(persisted.Thumbprint, bySubject.Certificate!.Thumbprint);
            Assert.True(bySubject.Certificate.HasPrivateKey);

            using var temp = new TempDirectory();
            var tls = new DicomTlsOptions { StoreThumbprint = persisted.Thumbprint, TrustedCaFile = pki.CaFile };
            await using var server = TlsTestServer.Start(tls, temp.Path);
            await using var client = await DicomClient.ConnectAsync(TlsTestServer.ClientOptions(server.Port, TlsTestServer.ClientTls(pki)), DicomClient.ProposeContexts(DicomUids.Verification), CancellationToken.None);
            Assert.Equal(persisted.Thumbprint, client.Association.PeerCertificate!.Thumbprint);
            Assert.True((await client.EchoAsync(CancellationToken.None)).IsSuccess);
            await client.ReleaseAsync(CancellationToken.None);
        }
        finally
        {
            store.Remove(persisted);
        }
    }

    [Fact]
    public void ExtendedProfile_AllowsOnlyEcdheAesGcmAndTls13Suites()
    {
        var suites = DicomTlsCipherSuites.For(DicomTlsProfile.Bcp195Extended);
        Assert.NotEmpty(suites);
        Assert.All(suites, s =>
        {
            var name = s.ToString();
            Assert.True(name.StartsWith("TLS_ECDHE_", StringComparison.Ordinal) || name is "TLS_AES_128_GCM_SHA256" or "TLS_AES_256_GCM_SHA384", name);
            Assert.Contains("GCM", name, StringComparison.Ordinal);
        });
        Assert.Contains(TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, DicomTlsCipherSuites.For(DicomTlsProfile.Bcp195NonDowngrading));
        Assert.DoesNotContain(DicomTlsCipherSuites.For(DicomTlsProfile.Bcp195), s => s.ToString().Contains("CBC", StringComparison.Ordinal) || s.ToString().Contains("RC4", StringComparison.Ordinal));
    }
}
