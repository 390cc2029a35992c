using System.Globalization;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>
/// Throwaway PKI for revocation tests, made with the openssl command line as certs/README.md describes: a CA with a
/// server certificate and two client certificates, CRLs of that CA (one revoking a client, one revoking the server,
/// one expired), a CRL of an unrelated CA, and an ECDSA (P-384) CA with a SHA-384 CRL.
/// </summary>
public sealed class RevocationPki : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "cseg-crl-" + Guid.NewGuid().ToString("N"));

    public string CaFile => File("ca.pem");

    public string EcCaFile => File("ec-ca.pem");

    public string ServerCertificate => File("server.pem");

    public string ServerKey => File("server.key");

    public string GoodClientCertificate => File("good.pem");

    public string GoodClientKey => File("good.key");

    public string RevokedClientCertificate => File("revoked.pem");

    public string RevokedClientKey => File("revoked.key");

    /// <summary>CRL of the CA revoking the "revoked" client (PEM), and the same list in DER.</summary>
    public string ClientCrl => File("clients-crl.pem");

    public string ClientCrlDer => File("clients-crl.der");

    /// <summary>CRL of the CA revoking the server certificate.</summary>
    public string ServerCrl => File("server-crl.pem");

    /// <summary>CRL of the CA, revoking nothing, whose next update was in 2020.</summary>
    public string ExpiredCrl => File("expired-crl.pem");

    /// <summary>CRL signed by an unrelated CA (not in <see cref="CaFile"/>).</summary>
    public string OtherCaCrl => File("other-crl.pem");

    /// <summary>CRL of the ECDSA CA (SHA-384), revoking the "revoked" client's serial number.</summary>
    public string EcCrl => File("ec-crl.pem");

    /// <summary>Serial numbers given to openssl, upper-case hex.</summary>
    public string ServerSerial { get; } = NewSerial();

    public string GoodClientSerial { get; } = NewSerial();

    public string RevokedClientSerial { get; } = NewSerial();

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        await MakeCaAsync("ca", "/CN=ContinualSegment Revocation Test CA", "rsa:2048");
        await MakeCaAsync("other-ca", "/CN=ContinualSegment Revocation Test CA", "rsa:2048");
        await MakeCaAsync("ec-ca", "/CN=ContinualSegment ECDSA Test CA", "ec", "-pkeyopt", "ec_paramgen_curve:P-384");
        await MakeLeafAsync("server", ServerSerial, "/CN=localhost", "serverAuth", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        await MakeLeafAsync("good", GoodClientSerial, "/CN=CSEG-GOOD-SCU", "clientAuth", null);
        await MakeLeafAsync("revoked", RevokedClientSerial, "/CN=CSEG-REVOKED-SCU", "clientAuth", null);
        await MakeCrlAsync("clients-crl", "ca", ["revoked"], []);
        await OpenSslAsync(["crl", "-in", ClientCrl, "-outform", "DER", "-out", ClientCrlDer]);
        await MakeCrlAsync("server-crl", "ca", ["server"], []);
        await MakeCrlAsync("expired-crl", "ca", [], ["-crl_lastupdate", "20200101000000Z", "-crl_nextupdate", "20200102000000Z"]);
        await MakeCrlAsync("other-crl", "other-ca", [], []);
        await MakeCrlAsync("ec-crl", "ec-ca", ["revoked"], ["-md", "sha384"]);
    }

    public Task DisposeAsync()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    private string File(string name) => Path.Combine(Directory, name);

    // 32 hex digits starting with 1-7: 16 bytes, positive, no leading zero byte.
    private static string NewSerial() =>
        (1 + Random.Shared.Next(7)).ToString(CultureInfo.InvariantCulture) + Convert.ToHexString(Guid.NewGuid().ToByteArray())[1..];

    private async Task MakeCaAsync(string name, string subject, string key, params string[] keyOptions) =>
        await OpenSslAsync(
            ["req", "-x509", "-newkey", key, .. keyOptions, "-nodes", "-sha256", "-days", "2",
            "-keyout", File(name + ".key"), "-out", File(name + ".pem"), "-subj", subject,
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);

    private async Task MakeLeafAsync(string name, string serial, string subject, string usage, string? subjectAltName)
    {
        var extensions = File(name + ".ext");
        await System.IO.File.WriteAllTextAsync(extensions, string.Join('\n', new[]
        {
            "basicConstraints=critical,CA:FALSE",
            "keyUsage=critical,digitalSignature,keyEncipherment",
            "extendedKeyUsage=" + usage,
            subjectAltName ?? string.Empty,
        }) + "\n");
        var request = File(name + ".csr");
        await OpenSslAsync(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", File(name + ".key"), "-out", request, "-subj", subject]);
        await OpenSslAsync(
            ["x509", "-req", "-in", request, "-CA", CaFile, "-CAkey", File("ca.key"),
            "-set_serial", "0x" + serial, "-sha256", "-days", "2", "-extfile", extensions, "-out", File(name + ".pem")]);
    }

    // Each CRL gets its own openssl "ca" database, so revocations do not leak between lists.
    private async Task MakeCrlAsync(string name, string ca, string[] revoke, string[] options)
    {
        var database = File(name + ".index");
        await System.IO.File.WriteAllTextAsync(database, string.Empty);
        await System.IO.File.WriteAllTextAsync(File(name + ".number"), "01\n");
        var config = File(name + ".cnf");
        await System.IO.File.WriteAllTextAsync(config, string.Join('\n', new[]
        {
            "[ ca ]",
            "default_ca = crl_ca",
            "[ crl_ca ]",
            "database = " + database,
            "crlnumber = " + File(name + ".number"),
            "default_md = sha256",
            "default_crl_days = 1",
            "certificate = " + File(ca + ".pem"),
            "private_key = " + File(ca + ".key"),
        }) + "\n");
        foreach (var certificate in revoke)
        {
            await OpenSslAsync(["ca", "-config", config, "-revoke", File(certificate + ".pem")]);
        }

        await OpenSslAsync(["ca", "-config", config, "-gencrl", "-out", File(name + ".pem"), .. options]);
    }

    private static async Task OpenSslAsync(string[] arguments)
    {
        var (exit, output) = await ExternalProcess.RunAsync("openssl", Timeout, arguments);
        Assert.True(exit == 0, $"openssl {string.Join(' ', arguments)}: {output}");
    }
}
