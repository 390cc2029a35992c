using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ContinualSegment.Cli.Tests.Serve;

/// <summary>
/// <c>cseg serve</c> as a child process (<c>dotnet cseg.dll</c> from the build output), configured like an installation:
/// the repository's appsettings.json with <c>CSEG_</c> environment overrides. Each instance gets a new database on the
/// test run's PostgreSQL (Database:Mode=External), a temporary storage root, the repository's models/default and a
/// listener on a port the system picks (Dicom:Port=0, read back from the "Listening as" line). Disposing stops it with
/// SIGTERM (killed if it has not stopped within 30 s), drops the database and deletes the directory.
/// </summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process process;
    private readonly StringBuilder log = new();
    private readonly TaskCompletionSource<int> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TestDatabase database;

    private ServeProcess(Process process, TestDatabase database, string directory, string connectionString, string aeTitle)
    {
        this.process = process;
        this.database = database;
        Directory = directory;
        ConnectionString = connectionString;
        AeTitle = aeTitle;
    }

    /// <summary>The node's AE title.</summary>
    public string AeTitle { get; }

    /// <summary>The port the node listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The node's database.</summary>
    public string ConnectionString { get; }

    /// <summary>The node's working directory (the storage root is its <c>storage</c>).</summary>
    public string Directory { get; }

    /// <summary>What the node has written to stdout and stderr so far.</summary>
    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    /// <summary>The repository's root (where ContinualSegment.sln is).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ContinualSegment.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ContinualSegment.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The built cseg.dll next to the tests.</summary>
    public static string CsegDll()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "cseg.dll");
        Assert.True(File.Exists(dll), $"{dll} not found: build the Cli tests");
        return dll;
    }

    /// <summary>
    /// Starts a node; <paramref name="settings"/> (configuration keys such as <c>Routing:QuietPeriodSeconds</c>) are
    /// given as <c>CSEG_</c> environment variables after the defaults here. Returns once it listens.
    /// </summary>
    public static async Task<ServeProcess> StartAsync(IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var serve = await LaunchAsync(settings, cancellationToken);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            var exited = serve.process.WaitForExitAsync(timeout.Token);
            var first = await Task.WhenAny(serve.listening.Task, exited);
            Assert.True(first == serve.listening.Task && serve.listening.Task.IsCompletedSuccessfully, $"cseg serve did not report listening within {StartTimeout}:\n{serve.Log}");
            serve.Port = await serve.listening.Task;
            return serve;
        }
        catch
        {
            await serve.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts <c>cseg serve</c> as <see cref="StartAsync"/> does, without waiting for it to listen.</summary>
    public static async Task<ServeProcess> LaunchAsync(IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var root = RepositoryRoot();
        var directory = System.IO.Directory.CreateTempSubdirectory("cseg-serve-").FullName;
        var database = await TestDatabase.CreateAsync("cseg_serve_", cancellationToken);
        var connectionString = database.ConnectionString;
        var configuration = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Database:Mode"] = "External",
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Dicom:Port"] = "0",
            ["Dicom:BindAddress"] = "127.0.0.1",
            ["Storage:Root"] = Path.Combine(directory, "storage"),
            ["Storage:LowWaterMarkMegabytes"] = "64",
            ["Model:Directory"] = Path.Combine(root, "models", "default"),
            ["Routing:QuietPeriodSeconds"] = "5",
            ["Scheduler:Interval"] = "00:00:01",
            ["Export:FirstRetryDelay"] = "00:00:02",
            ["Export:MaxRetryDelay"] = "00:00:05",
            ["Export:PollInterval"] = "00:00:01",
            ["Node:TorchThreads"] = "1",
        };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { CsegDll(), "serve", "--config", Path.Combine(root, "appsettings.json") })
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in configuration)
        {
            info.Environment["CSEG_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment["TCP_NODELAY"] = "1";
        var process = new Process { StartInfo = info };
        var serve = new ServeProcess(process, database, directory, connectionString, configuration.GetValueOrDefault("Dicom:AeTitle", "CSEG"));
        process.OutputDataReceived += (_, e) => serve.Append(e.Data);
        process.ErrorDataReceived += (_, e) => serve.Append(e.Data);
        try
        {
            Assert.True(process.Start(), "dotnet cseg.dll serve did not start");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return serve;
        }
        catch
        {
            await serve.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Stops the node as an administrator would (SIGTERM; killed if it has not stopped within 30 s) and returns its exit
    /// status: 0 when it shut down cleanly. The database and the directory stay until <see cref="DisposeAsync"/>.
    /// </summary>
    public async Task<int> StopAsync()
    {
        if (!HasExited())
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(StopTimeout);
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        return process.ExitCode;
    }

    /// <summary>Waits for the node to end by itself and returns its exit status (killed after <paramref name="timeout"/>: then -1).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(wait.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return -1;
        }
    }

    /// <summary>Stops the node (SIGTERM, then kill), drops its database and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            process.Dispose();
            await database.DisposeAsync();

            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Kills the node at once (SIGKILL, as <c>kill -9</c>): nothing of it gets to finish or clean up.</summary>
    public async Task KillAsync()
    {
        using (var kill = Process.Start("kill", ["-KILL", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync();
    }

    /// <summary>Whether the process has ended (with its exit code then in the log's last lines).</summary>
    public bool HasExited()
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    [GeneratedRegex(@"Listening as \S+ on port (\d+)")]
    private static partial Regex ListeningLine();

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        }
    }
}
