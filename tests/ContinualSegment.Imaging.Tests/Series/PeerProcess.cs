using System.Diagnostics;

namespace ContinualSegment.Imaging.Tests.Series;

/// <summary>Runs a peer tool; a missing tool fails the test. Returns the exit code and the combined output.</summary>
internal static class PeerProcess
{
    public const string Python = "/usr/bin/python3";

    public static (int ExitCode, string Output) Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {tool}.");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish in 120 s.");
        }

        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Runs the tool and fails the test unless it exits with 0.</summary>
    public static string RunChecked(string tool, params string[] args)
    {
        (int code, string output) = Run(tool, args);
        Assert.True(code == 0, $"{tool} exited with {code}: {output}");
        return output;
    }
}
