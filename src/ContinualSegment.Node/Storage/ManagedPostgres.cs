using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ContinualSegment.Node.Storage;

/// <summary>
/// The node's own PostgreSQL cluster (<c>Database:Mode=Managed</c>): created once under the data directory with the
/// installed server binaries, started on a loopback port, reachable only with a random password that is kept in the
/// data directory (mode 0600), and stopped again by the process that started it. When the node runs as root, the
/// server runs as the <c>postgres</c> user the Debian package creates (PostgreSQL refuses to run as root).
/// A cluster already running in the data directory (another node process on this machine) is used as it is.
/// </summary>
public sealed class ManagedPostgres : IAsyncDisposable
{
    /// <summary>The role and database the node uses.</summary>
    public const string RoleName = "cseg";

    /// <summary>The server's operating-system user when the node runs as root.</summary>
    public const string ServerUser = "postgres";

    private readonly string bin;
    private readonly string cluster;
    private readonly string? asUser;
    private readonly TimeSpan timeout;
    private readonly ILogger logger;
    private int stopped;

    private ManagedPostgres(string bin, string cluster, string? asUser, TimeSpan timeout, int port, string password, bool startedHere, ILogger logger)
    {
        this.bin = bin;
        this.cluster = cluster;
        this.asUser = asUser;
        this.timeout = timeout;
        this.logger = logger;
        Port = port;
        StartedHere = startedHere;
        ConnectionString = ConnectionStringFor(port, password);
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>True when this process started the server (and so stops it).</summary>
    public bool StartedHere { get; }

    /// <summary>How to reach the node's database (with its password).</summary>
    public string ConnectionString { get; }

    /// <summary>Creates the cluster if needed, starts it (or joins a running one) and makes sure the node's database exists.</summary>
    /// <exception cref="ManagedPostgresException">A step failed; the message names it and what to do.</exception>
    public static async Task<ManagedPostgres> StartAsync(DatabaseOptions options, ILogger<ManagedPostgres>? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ILogger log = logger ?? NullLogger<ManagedPostgres>.Instance;
        var bin = FindServerBinaries(options.ServerBinDirectory);
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        var cluster = ClusterPath(dataDirectory);
        var passwordFile = PasswordPath(dataDirectory);
        var asUser = Environment.IsPrivilegedProcess ? ServerUser : null;
        var timeout = TimeSpan.FromSeconds(options.StartTimeoutSeconds);

        PrepareDirectory(dataDirectory, asUser);
        if (!File.Exists(Path.Combine(cluster, "PG_VERSION")))
        {
            await InitialiseAsync(bin, dataDirectory, cluster, passwordFile, asUser, cancellationToken).ConfigureAwait(false);
            Log.ClusterCreated(log, cluster);
        }

        if (!File.Exists(passwordFile))
        {
            throw new ManagedPostgresException($"the cluster in {cluster} exists but its password file {passwordFile} is missing; restore it, or remove {dataDirectory} to start with a new, empty database");
        }

        var password = (await File.ReadAllTextAsync(passwordFile, cancellationToken).ConfigureAwait(false)).Trim();
        var running = RunningPort(cluster);
        int port;
        bool startedHere;
        if (running is { } existing && await IsRunningAsync(bin, cluster, asUser, cancellationToken).ConfigureAwait(false))
        {
            port = existing;
            startedHere = false;
            Log.ClusterJoined(log, cluster, port);
        }
        else
        {
            port = options.Port > 0 ? options.Port : FreeLoopbackPort();
            var logFile = Path.Combine(dataDirectory, "server.log");
            var start = await ToolRun.RunAsync(
                Path.Combine(bin, "pg_ctl"),
                ["-D", cluster, "-l", logFile, "-w", "-t", options.StartTimeoutSeconds.ToString(CultureInfo.InvariantCulture), "-o", $"-p {port.ToString(CultureInfo.InvariantCulture)}", "start"],
                asUser,
                cancellationToken).ConfigureAwait(false);
            if (start.ExitCode != 0)
            {
                throw new ManagedPostgresException($"pg_ctl could not start the cluster in {cluster} (exit {start.ExitCode}): {LastLines(start.Output)}; see {logFile}");
            }

            startedHere = true;
            Log.ClusterStarted(log, cluster, port);
        }

        var server = new ManagedPostgres(bin, cluster, asUser, timeout, port, password, startedHere, log);
        try
        {
            await server.EnsureDatabaseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>Stops the server if this process started it (fast shutdown: open sessions are ended, committed work is kept).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!StartedHere || Interlocked.Exchange(ref stopped, 1) != 0)
        {
            return;
        }

        var stop = await ToolRun.RunAsync(
            Path.Combine(bin, "pg_ctl"),
            ["-D", cluster, "-m", "fast", "-w", "-t", ((int)timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture), "stop"],
            asUser,
            cancellationToken).ConfigureAwait(false);
        if (stop.ExitCode != 0)
        {
            Log.ClusterStopFailed(logger, cluster, LastLines(stop.Output));
            throw new ManagedPostgresException($"pg_ctl could not stop the cluster in {cluster}: {LastLines(stop.Output)}");
        }

        Log.ClusterStopped(logger, cluster);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var cancel = new CancellationTokenSource(timeout + TimeSpan.FromSeconds(10));
        try
        {
            await StopAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (ManagedPostgresException)
        {
            // Logged by StopAsync; disposal must not throw.
        }
        catch (OperationCanceledException)
        {
            Log.ClusterStopFailed(logger, cluster, "timed out");
        }
    }

    /// <summary>The newest installed server binaries, or the configured directory.</summary>
    internal static string FindServerBinaries(string configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(Path.Combine(configured, "pg_ctl"))
                ? Path.GetFullPath(configured)
                : throw new ManagedPostgresException($"Database:ServerBinDirectory {configured} holds no pg_ctl");
        }

        const string root = "/usr/lib/postgresql";
        var best = Directory.Exists(root)
            ? Directory.EnumerateDirectories(root)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: double.TryParse(Path.GetFileName(d), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(c => File.Exists(Path.Combine(c.Dir, "pg_ctl")) && File.Exists(Path.Combine(c.Dir, "initdb")))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Dir)
                .FirstOrDefault()
            : null;
        return best ?? throw new ManagedPostgresException(
            "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql), or set Database:ServerBinDirectory, or use Database:Mode=External");
    }

    private static void PrepareDirectory(string dataDirectory, string? asUser)
    {
        Directory.CreateDirectory(dataDirectory);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (asUser is null)
        {
            return;
        }

        // The server user must reach the data directory: every directory above it needs search permission for others.
        for (var dir = Path.GetDirectoryName(dataDirectory); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if ((File.GetUnixFileMode(dir) & UnixFileMode.OtherExecute) == 0)
            {
                throw new ManagedPostgresException(
                    $"the PostgreSQL server runs as the '{asUser}' user, which cannot reach {dataDirectory} because {dir} is closed to other users; set Database:DataDirectory to a directory below an open one (for example /var/lib/cseg/pgdata)");
            }
        }
    }

    private static async Task InitialiseAsync(string bin, string dataDirectory, string cluster, string passwordFile, string? asUser, CancellationToken cancellationToken)
    {
        if (Directory.Exists(cluster) && Directory.EnumerateFileSystemEntries(cluster).Any())
        {
            throw new ManagedPostgresException($"{cluster} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away or choose another Database:DataDirectory");
        }

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        var unixMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await File.WriteAllTextAsync(passwordFile, password + "\n", cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, unixMode);
        }

        // initdb reads the password from a file of its own user's; removed as soon as the cluster exists.
        var initPassword = Path.Combine(dataDirectory, ".initdb-password");
        await File.WriteAllTextAsync(initPassword, password + "\n", cancellationToken).ConfigureAwait(false);
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(initPassword, unixMode);
            }

            if (asUser is not null)
            {
                var chown = await ToolRun.RunAsync("chown", [$"{asUser}:", dataDirectory, initPassword], null, cancellationToken).ConfigureAwait(false);
                if (chown.ExitCode != 0)
                {
                    throw new ManagedPostgresException($"could not give {dataDirectory} to the '{asUser}' user: {LastLines(chown.Output)}");
                }
            }

            var init = await ToolRun.RunAsync(
                Path.Combine(bin, "initdb"),
                ["-D", cluster, "-U", RoleName, "--auth=scram-sha-256", $"--pwfile={initPassword}", "-E", "UTF8", "--locale=C"],
                asUser,
                cancellationToken).ConfigureAwait(false);
            if (init.ExitCode != 0)
            {
                throw new ManagedPostgresException($"initdb could not create the cluster in {cluster} (exit {init.ExitCode}): {LastLines(init.Output)}");
            }
        }
        finally
        {
            File.Delete(initPassword);
        }

        // Loopback only, no Unix socket (its path length is limited and nothing here needs it).
        await File.AppendAllTextAsync(
            Path.Combine(cluster, "postgresql.conf"),
            "\n# Managed by ContinualSegment\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nmax_connections = 200\n",
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> IsRunningAsync(string bin, string cluster, string? asUser, CancellationToken cancellationToken)
    {
        var status = await ToolRun.RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", cluster, "status"], asUser, cancellationToken).ConfigureAwait(false);
        return status.ExitCode == 0;
    }

    /// <summary>How the node reaches a managed cluster on <paramref name="port"/> with its password.</summary>
    internal static string ConnectionStringFor(int port, string password) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = RoleName,
        Password = password,
        Database = RoleName,
    }.ConnectionString;

    /// <summary>Where the cluster lives in a managed data directory.</summary>
    internal static string ClusterPath(string dataDirectory) => Path.Combine(dataDirectory, "cluster");

    /// <summary>Where the node's password is kept in a managed data directory.</summary>
    internal static string PasswordPath(string dataDirectory) => Path.Combine(dataDirectory, "password");

    /// <summary>The port in a running server's postmaster.pid (its fourth line), or null.</summary>
    internal static int? RunningPort(string cluster)
    {
        var pidFile = Path.Combine(cluster, "postmaster.pid");
        try
        {
            var lines = File.ReadAllLines(pidFile);
            return lines.Length > 3 && int.TryParse(lines[3], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string LastLines(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "no output" : string.Join(" / ", lines.TakeLast(3));
    }

    private async Task EnsureDatabaseAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres" };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
            await using (exists.ConfigureAwait(false))
            {
                exists.Parameters.AddWithValue("name", RoleName);
                if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    return;
                }
            }

            var create = new NpgsqlCommand($"create database {RoleName}", connection);
            await using (create.ConfigureAwait(false))
            {
                try
                {
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
                {
                    // Another node process created it at the same moment.
                }
            }
        }
    }
}
