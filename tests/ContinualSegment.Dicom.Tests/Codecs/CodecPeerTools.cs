using System.Diagnostics;

namespace ContinualSegment.Dicom.Tests.Codecs;

/// <summary>Runs peer tools (dcmtk, Debian's python3 with pydicom) for the codec tests; a missing tool fails the test.</summary>
internal static class CodecPeerTools
{
    internal const string TestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    internal const string Python = "/usr/bin/python3";

    internal static string TestFile(string name) => Path.Combine(TestFiles, name);

    internal static string Run(string executable, params string[] arguments)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {executable}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} did not finish within 60 s");
        }

        string output = stdout.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{executable} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr}{output}");
        }

        return output;
    }

    /// <summary>A fresh temporary folder, removed when disposed.</summary>
    internal sealed class TempFolder : IDisposable
    {
        internal TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cs-codecs-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        internal string Path { get; }

        internal string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
