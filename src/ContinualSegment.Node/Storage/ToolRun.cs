using System.Diagnostics;
using System.Text;

namespace ContinualSegment.Node.Storage;

/// <summary>Runs a server tool (initdb, pg_ctl) to its end and keeps what it printed.</summary>
internal static class ToolRun
{
    /// <summary>The exit code and the tool's standard output and error together.</summary>
    internal readonly record struct Outcome(int ExitCode, string Output);

    /// <summary>Runs <paramref name="file"/>, as <paramref name="asUser"/> through runuser when given.</summary>
    public static async Task<Outcome> RunAsync(string file, IReadOnlyList<string> arguments, string? asUser, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo
        {
            FileName = asUser is null ? file : "runuser",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (asUser is not null)
        {
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add(asUser);
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(file);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = info };
        var output = new StringBuilder();
        var gate = new Lock();
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (gate)
                {
                    output.AppendLine(e.Data);
                }
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ManagedPostgresException($"could not run {info.FileName}: {ex.Message}", ex);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        lock (gate)
        {
            return new Outcome(process.ExitCode, output.ToString().Trim());
        }
    }
}
