using System.Globalization;
using System.Net;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary><c>cseg dicom listen --tls</c>: a refused handshake is reported with the peer and the reason.</summary>
[Collection(TlsCollection.Name)]
public sealed class ListenToolTlsTests(TestPki pki)
{
    [Fact]
    public async Task ListenSaysWhyItRefusedAPeerWithoutAClientCertificate()
    {
        using var temp = new TempDirectory();
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var log = new StringWriter(CultureInfo.InvariantCulture);
        var listen = ListenTool.RunAsync(
            new ListenToolOptions
            {
                AeTitle = "CSEG-TLS",
                Port = 0,
                OutputDirectory = temp.Sub("received"),
                BindAddress = IPAddress.Loopback,
                Tls = TlsTestServer.ServerTls(pki),
                Started = started.SetResult,
            },
            TextWriter.Synchronized(log),
            stop.Token);
        var port = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // echoscu over TLS trusting our CA but presenting no certificate, which the server requires.
        using var echo = ExternalProcess.Start(
            "echoscu",
            ["+tla", "+cf", pki.CaFile, "-to", "5", "-ta", "5", "-aec", "CSEG-TLS", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)],
            DimseTestSupport.NoDelay);
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
    }
}
