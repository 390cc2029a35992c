using System.Diagnostics;
using System.Text;

namespace ContinualSegment.Dicom.Tests;

/// <summary>Runs peer tools (dcmtk, pydicom) as processes and locates pydicom's test data.</summary>
internal static class PeerTools
{
    public const string PydicomData = "/usr/lib/python3/dist-packages/pydicom/data";
    public const string Python = "/usr/bin/python3";

    public static readonly string[] NonDicomExtensions = [".txt", ".json", ".gz", ".dump", ".py", ".md"];

    /// <summary>Every candidate DICOM file of pydicom's test_files and charset_files (including dicomdirtests).</summary>
    public static IEnumerable<string> PydicomFiles()
    {
        foreach (var dir in new[] { "test_files", "charset_files" })
        {
            var root = Path.Combine(PydicomData, dir);
            Assert.True(Directory.Exists(root), $"pydicom test data missing: {root}");
            foreach (var f in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(f);
                if (NonDicomExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()) || name is "README" or "README.txt" or "FileInfo.txt")
                {
                    continue;
                }

                yield return f;
            }
        }
    }

    public static (int ExitCode, string StdOut, string StdErr) Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.Latin1,
            StandardErrorEncoding = Encoding.Latin1,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"{tool} did not start");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            throw new TimeoutException($"{tool} timed out");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string Which(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Append("/usr/bin"))
        {
            var full = Path.Combine(dir, tool);
            if (File.Exists(full))
            {
                return full;
            }
        }

        Assert.Fail($"Peer tool '{tool}' is not installed (required by this test).");
        return tool;
    }
}
