using System.Security.Cryptography.X509Certificates;
using ContinualSegment.Dicom.Network.Tls;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>The CRL parser and signature check, on lists made by openssl.</summary>
[Collection(RevocationCollection.Name)]
public sealed class CertificateRevocationListTests(RevocationPki pki)
{
    [Fact]
    public void PemAndDerCrl_ParseToTheRevokedSerial_AndVerifyWithTheCa()
    {
        using var ca = X509CertificateLoader.LoadCertificateFromFile(pki.CaFile);
        foreach (var file in new[] { pki.ClientCrl, pki.ClientCrlDer })
        {
            var crl = DicomCertificateRevocationList.Load(file);
            Assert.Equal([pki.RevokedClientSerial], crl.RevokedSerialNumbers);
            Assert.Equal(ca.SubjectName.Name, crl.Issuer.Name);
            Assert.Equal(file, crl.Source);
            Assert.True(crl.NextUpdate > DateTimeOffset.UtcNow, file);
            Assert.True(crl.IsSignedBy(ca), file);
        }

        Assert.StartsWith("-----BEGIN X509 CRL-----", File.ReadAllText(pki.ClientCrl), StringComparison.Ordinal);
        Assert.Equal(0x30, File.ReadAllBytes(pki.ClientCrlDer)[0]);
    }

    [Fact]
    public void CrlListsTheRevokedCertificate_AndNotTheOthers()
    {
        var crl = DicomCertificateRevocationList.Load(pki.ClientCrl);
        using var revoked = X509CertificateLoader.LoadCertificateFromFile(pki.RevokedClientCertificate);
        using var good = X509CertificateLoader.LoadCertificateFromFile(pki.GoodClientCertificate);
        Assert.True(crl.Lists(revoked));
        Assert.False(crl.Lists(good));
    }

    [Fact]
    public void TamperedCrl_FailsSignatureVerification()
    {
        using var ca = X509CertificateLoader.LoadCertificateFromFile(pki.CaFile);
        var der = File.ReadAllBytes(pki.ClientCrlDer);
        var serial = Convert.FromHexString(pki.RevokedClientSerial);
        var at = der.AsSpan().IndexOf(serial);
        Assert.True(at > 0);
        der[at + serial.Length - 1] ^= 0x01;

        var tampered = DicomCertificateRevocationList.Parse(der, "tampered.der");
        Assert.DoesNotContain(pki.RevokedClientSerial, tampered.RevokedSerialNumbers);
        Assert.False(tampered.IsSignedBy(ca));
    }

    [Fact]
    public void EcdsaSha384Crl_VerifiesWithTheEcCa_AndNotWithTheRsaCa()
    {
        using var ecCa = X509CertificateLoader.LoadCertificateFromFile(pki.EcCaFile);
        using var rsaCa = X509CertificateLoader.LoadCertificateFromFile(pki.CaFile);
        var crl = DicomCertificateRevocationList.Load(pki.EcCrl);
        Assert.Equal("1.2.840.10045.4.3.3", crl.SignatureAlgorithm);
        Assert.Equal([pki.RevokedClientSerial], crl.RevokedSerialNumbers);
        Assert.True(crl.IsSignedBy(ecCa));
        Assert.False(crl.IsSignedBy(rsaCa));
    }

    [Fact]
    public void CrlOfAnotherCaWithTheSameName_DoesNotVerify()
    {
        using var ca = X509CertificateLoader.LoadCertificateFromFile(pki.CaFile);
        var crl = DicomCertificateRevocationList.Load(pki.OtherCaCrl);
        Assert.Equal(ca.SubjectName.Name, crl.Issuer.Name);
        Assert.False(crl.IsSignedBy(ca));
    }

    [Fact]
    public void NotACrl_IsAClearError()
    {
        var error = Assert.Throws<DicomTlsConfigurationException>(() => DicomCertificateRevocationList.Load(pki.CaFile));
        Assert.Contains(pki.CaFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("X509 CRL", error.Message, StringComparison.Ordinal);

        var truncated = File.ReadAllBytes(pki.ClientCrlDer)[..40];
        var damaged = Assert.Throws<DicomTlsConfigurationException>(() => DicomCertificateRevocationList.Parse(truncated, "cut.der"));
        Assert.Contains("cut.der", damaged.Message, StringComparison.Ordinal);
    }
}
