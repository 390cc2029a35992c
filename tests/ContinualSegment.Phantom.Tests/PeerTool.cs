using System.Diagnostics;

namespace ContinualSegment.Phantom.Tests;

/// <summary>Runs a peer tool as a process; a missing tool fails the test.</summary>
internal static class PeerTool
{
    public static (int ExitCode, string Output) Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException(tool);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(180_000), $"{tool} timed out");
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
