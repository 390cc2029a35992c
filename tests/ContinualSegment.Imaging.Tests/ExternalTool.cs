using System.Diagnostics;

namespace ContinualSegment.Imaging.Tests;

/// <summary>Runs a peer tool as a process; a missing tool fails the test.</summary>
internal static class ExternalTool
{
    public static string Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {tool}.");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish in 60 s.");
        }

        string output = stdout.Result + stderr.Result;
        Assert.True(p.ExitCode == 0, $"{tool} exited with {p.ExitCode}: {output}");
        return output;
    }
}
