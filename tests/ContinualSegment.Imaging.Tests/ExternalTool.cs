using System.Diagnostics;

namespace ContinualSegment.Imaging.Tests;

/// <summary>Runs a peer tool as a process; a missing tool fails the test.</summary>
internal static class ExternalTool
{
    /// <summary>Debian's Python, which has pydicom (the one on PATH may not).</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs the tool and asserts it exited 0; returns stdout and stderr.</summary>
    public static string Run(string tool, params string[] args)
    {
        var (exitCode, output) = RunUnchecked(tool, args);
        Assert.True(exitCode == 0, $"{tool} exited with {exitCode}: {output}");
        return output;
    }

    /// <summary>Runs the tool and returns its exit code with stdout and stderr, whatever the exit code.</summary>
    public static (int ExitCode, string Output) RunUnchecked(string tool, params string[] args)
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
}
