using System.Globalization;
using System.Net;

namespace ContinualSegment.Dicom.Network.Tests;

/// <summary>The command logic behind <c>cseg dicom echo|send|listen|find</c>.</summary>
public sealed class NetworkToolsTests
{
    [Fact]
    public async Task ListenReceivesWhatSendSendsAndAnswersEcho()
    {
        using var temp = new TempDirectory();
        var output = Path.Combine(temp.Path, "received");
        var sources = temp.Sub("sources");
        File.Copy(DimseTestSupport.TestFile("CT_small.dcm"), Path.Combine(sources, "a.dcm"));
        File.Copy(DimseTestSupport.TestFile("MR_small.dcm"), Path.Combine(temp.Sub("sources/nested"), "b.dcm"));
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
        Assert.Equal(2, echoLog.ToString().Split('\n').Count(l => l.Contains("0000 Success", StringComparison.Ordinal)));

        var wrongAe = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(2, await EchoTool.RunAsync(new EchoToolOptions { Host = "127.0.0.1", Port = port, CalledAeTitle = "SOMEONE-ELSE" }, wrongAe, CancellationToken.None));
        Assert.Contains("rejected (permanent) by the service-user: called AE title not recognized", wrongAe.ToString(), StringComparison.Ordinal);

        var sendLog = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(0, await SendTool.RunAsync(new SendToolOptions { Host = "127.0.0.1", Port = port, CalledAeTitle = "CSEG-STORE", Paths = [sources] }, sendLog, CancellationToken.None));
        Assert.Contains("Sent 2 of 2 file(s).", sendLog.ToString(), StringComparison.Ordinal);

        await stop.CancelAsync();
        Assert.Equal(0, await listen.WaitAsync(TimeSpan.FromSeconds(20)));
        var stored = DimseTestSupport.DicomFilesIn(output);
        Assert.Equal(2, stored.Length);
        Assert.Equal(2, listenLog.ToString().Split('\n').Count(l => l.StartsWith("Stored ", StringComparison.Ordinal)));

        // Each decision on an association is reported: the echoes' association and the send's accepted, the wrong AE
        // title refused.
        var decisions = listenLog.ToString().Split('\n').Where(l => l.StartsWith("Association from 127.0.0.1:", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, decisions.Count);
        Assert.Equal(2, decisions.Count(l => l.Contains("calling CSEG-STORE) accepted: ", StringComparison.Ordinal)));
        Assert.Single(decisions, l => l.EndsWith("calling SOMEONE-ELSE) rejected (permanent) by the service-user: called AE title not recognized", StringComparison.Ordinal));
        foreach (var path in stored)
        {
            var (exit, dump) = await ExternalProcess.RunAsync("dcmdump", TimeSpan.FromSeconds(30), path);
            Assert.True(exit == 0, dump);
        }
    }

    [Fact]
    public async Task SendReportsMissingPaths()
    {
        var log = new StringWriter(CultureInfo.InvariantCulture);
        Assert.Equal(2, await SendTool.RunAsync(new SendToolOptions { Host = "127.0.0.1", Port = 104, Paths = ["/nonexistent/file.dcm"] }, log, CancellationToken.None));
        Assert.Contains("Not found", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindListsTheWorklistOfWlmscpfs()
    {
        using var temp = new TempDirectory();
        var aeDir = temp.Sub("OFFIS");
        var dumps = Directory.GetFiles("/usr/share/doc/dcmtk/examples/wlistdb/OFFIS", "*.dump");
        Assert.NotEmpty(dumps);
        foreach (var dump in dumps)
        {
            var (exit, log) = await ExternalProcess.RunAsync("dump2dcm", TimeSpan.FromSeconds(30), dump, Path.Combine(aeDir, Path.GetFileNameWithoutExtension(dump) + ".wl"));
            Assert.True(exit == 0, log);
        }

        await File.WriteAllBytesAsync(Path.Combine(aeDir, "lockfile"), []);
        var port = DimseTestSupport.FreePort();
        using var wlm = ExternalProcess.Start("wlmscpfs", ["-dfp", temp.Path, port.ToString(CultureInfo.InvariantCulture)], DimseTestSupport.NoDelay);
        await DimseTestSupport.WaitForListenerAsync(port, wlm);

        var output = new StringWriter(CultureInfo.InvariantCulture);
        var options = new FindToolOptions { Host = "127.0.0.1", Port = port, CalledAeTitle = "OFFIS", Keys = ["PatientName=VIVALDI*"] };
        Assert.Equal(0, await FindTool.RunAsync(options, output, CancellationToken.None));
        var text = output.ToString();
        var expected = dumps.Count(d => File.ReadAllText(d).Contains("VIVALDI", StringComparison.Ordinal));
        Assert.True(expected > 0);
        Assert.Contains($"{expected} match(es).", text, StringComparison.Ordinal);
        Assert.Contains("VIVALDI", text, StringComparison.Ordinal);
    }
}
