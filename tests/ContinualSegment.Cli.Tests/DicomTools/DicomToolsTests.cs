using System.Globalization;
using System.Net;
using ContinualSegment.Cli.DicomTools;
using ContinualSegment.Dicom.Network.Tests;

namespace ContinualSegment.Cli.Tests.DicomTools;

/// <summary>What <c>cseg dicom echo|send|listen|find</c> print and answer, run in-process on the tool classes.</summary>
public sealed class DicomToolsTests : IDisposable
{
    private const string TestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
    private static readonly Dictionary<string, string> NoDelay = new() { ["TCP_NODELAY"] = "1" };
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("cseg-tools-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public async Task ListenReceivesWhatSendSendsAndAnswersEcho()
    {
        var output = Path.Combine(dir.FullName, "received");
        var sources = Directory.CreateDirectory(Path.Combine(dir.FullName, "sources")).FullName;
        File.Copy(Path.Combine(TestFiles, "CT_small.dcm"), Path.Combine(sources, "a.dcm"));
        File.Copy(Path.Combine(TestFiles, "MR_small.dcm"), Path.Combine(Directory.CreateDirectory(Path.Combine(sources, "nested")).FullName, "b.dcm"));
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var listenLog = new StringWriter(CultureInfo.InvariantCulture);
        var listen = ListenTool.RunAsync(
            new ListenToolOptions { AeTitle = "CSEG-STORE", Port = 0, OutputDirectory = output, Fsync = true, BindAddress = IPAddress.Loopback, Started = started.SetResult },
            TextWriter.Synchronized(listenLog),
            stop.Token);
        var port = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var echoLog = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(0, await EchoTool.RunAsync(new EchoToolOptions { Host = "127.0.0.1", Port = port, CalledAeTitle = "CSEG-STORE", Repeat = 2 }, echoLog, CancellationToken.None));
        var echoLines = echoLog.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, echoLines.Length);
        Assert.All(echoLines, l => Assert.Matches($@"^C-ECHO CSEG-STORE@127\.0\.0\.1:{port}: 0000 Success \(\d+\.\d ms\)$", l.TrimEnd('\r')));

        var wrongAe = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(1, await EchoTool.RunAsync(new EchoToolOptions { Host = "127.0.0.1", Port = port, CalledAeTitle = "SOMEONE-ELSE" }, wrongAe, CancellationToken.None));
        Assert.StartsWith("C-ECHO failed: ", wrongAe.ToString(), StringComparison.Ordinal);
        Assert.Contains("rejected (permanent) by the service-user: called AE title not recognized", wrongAe.ToString(), StringComparison.Ordinal);

        var sendLog = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(0, await SendTool.RunAsync(new SendToolOptions { Host = "127.0.0.1", Port = port, CalledAeTitle = "CSEG-STORE", Paths = [sources] }, sendLog, CancellationToken.None));
        Assert.Contains($"{Path.Combine(sources, "a.dcm")}: 0000 Success", sendLog.ToString(), StringComparison.Ordinal);
        Assert.Contains("Sent 2 of 2 file(s).", sendLog.ToString(), StringComparison.Ordinal);

        await stop.CancelAsync();
        Assert.Equal(0, await listen.WaitAsync(TimeSpan.FromSeconds(20)));
        var lines = listenLog.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.StartsWith($"Listening as CSEG-STORE on port {port}, writing to {output}", lines[0], StringComparison.Ordinal);
        var stored = Directory.GetFiles(output, "*.dcm");
        Assert.Equal(2, stored.Length);
        Assert.Equal(2, lines.Count(l => l.StartsWith("Stored ", StringComparison.Ordinal) && l.EndsWith(" from CSEG (1.2.840.10008.1.2.1)", StringComparison.Ordinal)));

        // Each decision on an association is reported: the echoes' association and the send's accepted, the wrong AE
        // title refused.
        var decisions = lines.Where(l => l.StartsWith("Association from 127.0.0.1:", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, decisions.Count);
        Assert.Equal(2, decisions.Count(l => l.Contains("(CSEG calling CSEG-STORE) accepted: ", StringComparison.Ordinal) && l.EndsWith(" presentation contexts", StringComparison.Ordinal)));
        Assert.Single(decisions, l => l.EndsWith("(CSEG calling SOMEONE-ELSE) rejected (permanent) by the service-user: called AE title not recognized", StringComparison.Ordinal));
        foreach (var path in stored)
        {
            var (exit, dump) = await ExternalProcess.RunAsync("dcmdump", TimeSpan.FromSeconds(30), path);
            Assert.True(exit == 0, dump);
        }
    }

    [Fact]
    public async Task ListenKeepsTheJpegLosslessSyntaxStorescuProposesFirst()
    {
        var source = Path.Combine(dir.FullName, "ct-jpeg-lossless.dcm");
        var (cjpeg, cjpegLog) = await ExternalProcess.RunAsync("dcmcjpeg", TimeSpan.FromSeconds(30), "+e1", Path.Combine(TestFiles, "CT_small.dcm"), source);
        Assert.True(cjpeg == 0, cjpegLog);
        var output = Path.Combine(dir.FullName, "received");
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var listenLog = new StringWriter(CultureInfo.InvariantCulture);
        var listen = ListenTool.RunAsync(
            new ListenToolOptions { AeTitle = "CSEG-STORE", Port = 0, OutputDirectory = output, BindAddress = IPAddress.Loopback, Started = started.SetResult },
            TextWriter.Synchronized(listenLog),
            stop.Token);
        var port = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // -xs +C: one context per SOP class proposing JPEG Lossless SV1 first, then the uncompressed syntaxes.
        using (var storescu = ExternalProcess.Start("storescu", ["-xs", "+C", "-aec", "CSEG-STORE", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), source], NoDelay))
        {
            Assert.True(await storescu.WaitAsync(TimeSpan.FromSeconds(60)) == 0, storescu.Output);
        }

        await stop.CancelAsync();
        Assert.Equal(0, await listen.WaitAsync(TimeSpan.FromSeconds(20)));
        var stored = Assert.Single(listenLog.ToString().Split('\n'), l => l.StartsWith("Stored ", StringComparison.Ordinal));
        Assert.EndsWith("(1.2.840.10008.1.2.4.70)", stored.TrimEnd('\r'), StringComparison.Ordinal);
        var (dump, dumpLog) = await ExternalProcess.RunAsync("dcmdump", TimeSpan.FromSeconds(30), "-M", Directory.GetFiles(output, "*.dcm").Single());
        Assert.True(dump == 0, dumpLog);
        Assert.Contains("=JPEGLossless:Non-hierarchical-1stOrderPrediction", dumpLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendReportsMissingPaths()
    {
        var log = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(1, await SendTool.RunAsync(new SendToolOptions { Host = "127.0.0.1", Port = 104, Paths = ["/nonexistent/file.dcm"] }, log, CancellationToken.None));
        Assert.Equal("Not found: /nonexistent/file.dcm", log.ToString().TrimEnd());
    }

    [Fact]
    public async Task FindListsTheWorklistOfWlmscpfs()
    {
        var aeDir = Directory.CreateDirectory(Path.Combine(dir.FullName, "wlm", "OFFIS")).FullName;
        var dumps = Directory.GetFiles("/usr/share/doc/dcmtk/examples/wlistdb/OFFIS", "*.dump");
        Assert.NotEmpty(dumps);
        foreach (var dump in dumps)
        {
            var (exit, log) = await ExternalProcess.RunAsync("dump2dcm", TimeSpan.FromSeconds(30), dump, Path.Combine(aeDir, Path.GetFileNameWithoutExtension(dump) + ".wl"));
            Assert.True(exit == 0, log);
        }

        await File.WriteAllBytesAsync(Path.Combine(aeDir, "lockfile"), []);
        var port = TestEnvironment.FreeTcpPort();
        using var wlm = ExternalProcess.Start("wlmscpfs", ["-dfp", Path.Combine(dir.FullName, "wlm"), port.ToString(CultureInfo.InvariantCulture)], NoDelay);
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var options = new FindToolOptions { Host = "127.0.0.1", Port = port, CalledAeTitle = "OFFIS", Keys = ["PatientName=VIVALDI*"] };
        var code = -1;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            output = new StringWriter(CultureInfo.InvariantCulture);
            code = await FindTool.RunAsync(options, output, CancellationToken.None);
            if (code == 0)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal(0, code);
        var text = output.ToString();
        var expected = dumps.Count(d => File.ReadAllText(d).Contains("VIVALDI", StringComparison.Ordinal));
        Assert.True(expected > 0);
        Assert.Contains("# Match 1", text, StringComparison.Ordinal);
        Assert.Contains($"{expected} match(es).", text, StringComparison.Ordinal);
        Assert.Contains("VIVALDI", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EchoToAClosedPortSaysWhyAndFails()
    {
        var log = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(1, await EchoTool.RunAsync(new EchoToolOptions { Host = "127.0.0.1", Port = TestEnvironment.FreeTcpPort(), Timeout = TimeSpan.FromSeconds(5) }, log, CancellationToken.None));
        Assert.StartsWith("C-ECHO failed: ", log.ToString(), StringComparison.Ordinal);
    }
}
