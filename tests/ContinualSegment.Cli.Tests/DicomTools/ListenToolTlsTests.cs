using System.Globalization;
using System.Net;
using ContinualSegment.Cli.DicomTools;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Tls;
using ContinualSegment.Dicom.Network.Tests;

namespace ContinualSegment.Cli.Tests.DicomTools;

/// <summary><c>cseg dicom listen --tls</c>: a refused handshake is reported with the peer and the reason.</summary>
public sealed class ListenToolTlsTests(TestPki pki) : IClassFixture<TestPki>, IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-tls-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task ListenSaysWhyItRefusedAPeerWithoutAClientCertificate()
    {
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var log = new StringWriter(CultureInfo.InvariantCulture);
        var listen = ListenTool.RunAsync(
            new ListenToolOptions
            {
                AeTitle = "CSEG-TLS",
                Port = 0,
                OutputDirectory = Path.Combine(dir.FullName, "received"),
                BindAddress = IPAddress.Loopback,
                Tls = new DicomTlsOptions
                {
                    CertificateFile = pki.ServerCertificate,
                    PrivateKeyFile = pki.ServerKey,
                    TrustedCaFile = pki.CaFile,
                    ClientCertificates = DicomTlsClientCertificateMode.Required,
                },
                Started = started.SetResult,
            },
            TextWriter.Synchronized(log),
            stop.Token);
        var port = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // echoscu over TLS trusting our CA but presenting no certificate, which the server requires.
        using var echo = ExternalProcess.Start(
            "echoscu",
            ["+tla", "+cf", pki.CaFile, "-to", "5", "-ta", "5", "-aec", "CSEG-TLS", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["TCP_NODELAY"] = "1" });
        Assert.NotEqual(0, await echo.WaitAsync(TimeSpan.FromSeconds(30)));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!log.ToString().Contains("Refused a connection", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        Assert.Equal(0, await listen.WaitAsync(TimeSpan.FromSeconds(20)));
        var line = Assert.Single(log.ToString().Split('\n'), l => l.StartsWith("Refused a connection", StringComparison.Ordinal));
        Assert.StartsWith("Refused a connection from 127.0.0.1:", line, StringComparison.Ordinal);
        Assert.Contains("DICOM TLS handshake failed: ", line, StringComparison.Ordinal);
        Assert.Contains("(DICOM TLS)", log.ToString(), StringComparison.Ordinal);
    }
}
