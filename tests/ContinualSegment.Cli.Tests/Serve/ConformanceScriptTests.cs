using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ContinualSegment.Cli.Tests.Serve;

/// <summary>conformance/run.sh against a node started here (<see cref="ConformanceNode"/>), as CI runs it.</summary>
public sealed class ConformanceScriptTests(ConformanceNode fixture) : IClassFixture<ConformanceNode>
{
    private static readonly string[] Steps =
    [
        "C-ECHO",
        "Reject unknown called AE",
        "Reject disallowed calling AE",
        "Refuse unsupported SOP class",
        "C-STORE JPEG Baseline (Process 1) (1.2.840.10008.1.2.4.50)",
        "C-STORE JPEG Extended (Process 2 & 4) (1.2.840.10008.1.2.4.51)",
        "C-STORE JPEG-LS Near-Lossless (1.2.840.10008.1.2.4.81)",
        "C-STORE JPEG 2000 (1.2.840.10008.1.2.4.91)",
        "C-STORE JPEG 2000 Lossless (1.2.840.10008.1.2.4.90)",
        "C-STORE JPEG-LS Lossless (1.2.840.10008.1.2.4.80)",
        "C-STORE JPEG Lossless (Process 14) (1.2.840.10008.1.2.4.57)",
        "C-STORE JPEG Lossless SV1 (1.2.840.10008.1.2.4.70)",
        "C-STORE RLE Lossless (1.2.840.10008.1.2.5)",
        "C-STORE Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99)",
        "C-STORE Explicit VR Big Endian (1.2.840.10008.1.2.2)",
        "C-STORE Implicit VR Little Endian (1.2.840.10008.1.2)",
        "C-STORE Explicit VR Little Endian (1.2.840.10008.1.2.1)",
        "Result SEG received",
        "Result SEG valid (dciodvfy)",
        "Result RTSTRUCT received",
        "Result RTSTRUCT valid (dciodvfy)",
    ];

    [Fact]
    public async Task Every_step_passes_against_a_node_started_with_cseg_serve()
    {
        var node = fixture.Node;

        var (code, output) = await RunScriptAsync(
            "--aet", ConformanceNode.CallingAeTitle,
            "--results-aet", ConformanceNode.ResultsAeTitle,
            "--results-port", Port(fixture.ResultsPort),
            "--results-timeout", "300",
            "--cseg", "dotnet " + ServeProcess.CsegDll(),
            "127.0.0.1", Port(node.Port), node.AeTitle);

        var context = $"{output}\n--- node log ---\n{node.Log}";
        Assert.True(code == 0, context);
        var results = output.Split('\n').Where(l => l.StartsWith("PASS  ", StringComparison.Ordinal) || l.StartsWith("FAIL  ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Steps.Select(s => "PASS  " + s), results);
        Assert.Contains($"conformance: {Steps.Length} passed, 0 failed", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong-ae")]
    [InlineData("closed-port")]
    public async Task The_script_fails_naming_the_step_when_pointed_at_a_wrong_AE_title_or_a_closed_port(string target)
    {
        var node = fixture.Node;
        var (port, aeTitle) = target == "wrong-ae" ? (node.Port, "NOT-THE-NODE") : (TestEnvironment.FreeTcpPort(), node.AeTitle);

        var (code, output) = await RunScriptAsync("--aet", ConformanceNode.CallingAeTitle, "--no-results", "--series", fixture.SmallSeries, "127.0.0.1", Port(port), aeTitle);

        Assert.True(code == 1, output);
        var lines = output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("FAIL  C-ECHO: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("FAIL  C-STORE Explicit VR Little Endian (1.2.840.10008.1.2.1): ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("PASS  C-STORE", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("conformance: ", StringComparison.Ordinal) && l.Contains(" failed", StringComparison.Ordinal) && !l.EndsWith(" 0 failed", StringComparison.Ordinal));
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    internal static async Task<(int Code, string Output)> RunScriptAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(ServeProcess.RepositoryRoot(), "conformance", "run.sh"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["TCP_NODELAY"] = "1";
        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
    }
}
