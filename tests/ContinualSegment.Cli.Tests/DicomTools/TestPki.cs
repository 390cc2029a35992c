using System.Globalization;

namespace ContinualSegment.Cli.Tests.DicomTools;

/// <summary>
/// Throwaway TLS material made with the openssl command line, the way certs/README.md describes it: a CA, a server
/// certificate (localhost, 127.0.0.1), a client certificate, and a second CA with a client certificate of its own
/// (not trusted by the first). Written to a temporary directory and deleted afterwards; nothing is committed.
/// </summary>
public sealed class TestPki : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "cseg-pki-" + Guid.NewGuid().ToString("N"));

    public string CaFile => Path.Combine(Directory, "ca.pem");

    public string ServerCertificate => Path.Combine(Directory, "server.pem");

    public string ServerKey => Path.Combine(Directory, "server.key");

    public string ClientCertificate => Path.Combine(Directory, "client.pem");

    public string ClientKey => Path.Combine(Directory, "client.key");

    public string OtherCaFile => Path.Combine(Directory, "other-ca.pem");

    public string StrangerCertificate => Path.Combine(Directory, "stranger.pem");

    public string StrangerKey => Path.Combine(Directory, "stranger.key");

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        await MakeCaAsync("ca", "/CN=ContinualSegment Test CA");
        await MakeCaAsync("other-ca", "/CN=Unrelated Test CA");
        await MakeLeafAsync("server", "ca", "/CN=localhost", "serverAuth", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        await MakeLeafAsync("client", "ca", "/CN=CSEG-TEST-SCU", "clientAuth", null);
        await MakeLeafAsync("stranger", "other-ca", "/CN=STRANGER", "clientAuth", null);
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

    private async Task MakeCaAsync(string name, string subject) =>
        await OpenSslAsync(
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
            "-keyout", Path.Combine(Directory, name + ".key"), "-out", Path.Combine(Directory, name + ".pem"), "-subj", subject,
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");

    private async Task MakeLeafAsync(string name, string ca, string subject, string usage, string? subjectAltName)
    {
        var extensions = Path.Combine(Directory, name + ".ext");
        await File.WriteAllTextAsync(extensions, string.Join('\n', new[]
        {
            "basicConstraints=critical,CA:FALSE",
            "keyUsage=critical,digitalSignature,keyEncipherment",
            "extendedKeyUsage=" + usage,
            subjectAltName ?? string.Empty,
        }) + "\n");
        var request = Path.Combine(Directory, name + ".csr");
        await OpenSslAsync("req", "-newkey", "rsa:2048", "-nodes", "-keyout", Path.Combine(Directory, name + ".key"), "-out", request, "-subj", subject);
        var serial = "0x" + Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLower(CultureInfo.InvariantCulture);
        await OpenSslAsync(
            "x509", "-req", "-in", request, "-CA", Path.Combine(Directory, ca + ".pem"), "-CAkey", Path.Combine(Directory, ca + ".key"),
            "-set_serial", serial, "-sha256", "-days", "2", "-extfile", extensions, "-out", Path.Combine(Directory, name + ".pem"));
    }

    private static async Task OpenSslAsync(params string[] arguments)
    {
        var (exit, output) = await ExternalProcess.RunAsync("openssl", Timeout, arguments);
        Assert.True(exit == 0, $"openssl {string.Join(' ', arguments)}: {output}");
    }
}
