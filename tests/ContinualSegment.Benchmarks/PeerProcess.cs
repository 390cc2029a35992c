using System.Diagnostics;

namespace ContinualSegment.Benchmarks;

/// <summary>
/// Runs a peer command-line tool (dcmtk) to completion with its standard output and error sent to /dev/null
/// through <c>/bin/sh -c 'exec ...'</c>, so the measured time is the tool's own start, work and exit.
/// </summary>
public static class PeerProcess
{
    /// <summary>Runs <paramref name="tool"/> with <paramref name="arguments"/> and throws when it fails.</summary>
    public static void Run(string tool, IReadOnlyList<string> arguments)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tool);
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$0\" \"$@\" >/dev/null 2>&1");
        info.ArgumentList.Add(tool);
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {tool}.");
        process.WaitForExit();
        if (process.ExitCode == 127)
        {
            throw new InvalidOperationException($"The peer tool '{tool}' is not installed (run scripts/setup.sh).");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} exited with code {process.ExitCode}.");
        }
    }

    /// <summary>Runs a tool and returns its standard output (used once to check what a peer run prints).</summary>
    public static string Capture(string tool, IReadOnlyList<string> arguments)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tool);
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo(tool)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {tool}.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"The peer tool '{tool}' is not installed (run scripts/setup.sh).", ex);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{tool} exited with code {process.ExitCode}: {stderr.Result}");
            }

            return stdout;
        }
    }
}
