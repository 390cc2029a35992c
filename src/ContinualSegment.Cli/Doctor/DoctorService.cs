using System.Runtime.InteropServices;
using ContinualSegment.Model.Runtime;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace ContinualSegment.Cli.Doctor;

/// <summary>Checks whether this machine can run the node, and which test peers it has.</summary>
public sealed class DoctorService
{
    private readonly IConfiguration configuration;
    private readonly Func<string, string?> findExecutable;

    /// <param name="configuration">The node's configuration.</param>
    /// <param name="findExecutable">Looks an executable up (default: PATH).</param>
    public DoctorService(IConfiguration configuration, Func<string, string?>? findExecutable = null)
    {
        this.configuration = configuration ?? throw new ArgumentNullException(nameof(configuration));
        this.findExecutable = findExecutable ?? PeerTools.FindOnPath;
    }

    /// <summary>Runs every check.</summary>
    /// <param name="requirePeers">When true, a missing test peer fails instead of warning.</param>
    /// <param name="cancellationToken">Stops the database probe.</param>
    public async Task<IReadOnlyList<DoctorCheck>> RunAsync(bool requirePeers, CancellationToken cancellationToken)
    {
        var checks = new List<DoctorCheck>
        {
            new("dotnet", CheckStatus.Info, $"{RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture})"),
            new("cpu", CheckStatus.Info, $"{Environment.ProcessorCount} logical processors"),
        };
        checks.AddRange(TorchChecks());
        checks.Add(await DatabaseCheckAsync(cancellationToken).ConfigureAwait(false));
        checks.AddRange(PeerChecks(requirePeers));
        return checks;
    }

    private static IEnumerable<DoctorCheck> TorchChecks()
    {
        var info = TorchRuntime.Probe();
        if (!info.Loaded)
        {
            yield return new DoctorCheck("libtorch", CheckStatus.Failed, $"did not load from {info.NativeDirectory}: {info.Error}");
        }
        else
        {
            yield return new DoctorCheck("libtorch", CheckStatus.Ok, $"loaded, version {info.LibTorchVersion}, {info.Threads} CPU threads");
        }

        yield return new DoctorCheck("cuda", CheckStatus.Info, info.CudaAvailable ? "available" : "not available (CPU inference)");
        yield return new DoctorCheck(
            "torch-compat",
            CheckStatus.Info,
            info.CompatibilityShimApplied
                ? $"libstdc++ compatibility step applied ({TorchRuntime.CompatibilityShimName} in {info.NativeDirectory})"
                : "libstdc++ compatibility step not applied (not needed on this system, or not a Linux build)");
    }

    private async Task<DoctorCheck> DatabaseCheckAsync(CancellationToken cancellationToken)
    {
        var mode = configuration["Database:Mode"] ?? "Managed";
        if (string.Equals(mode, "Managed", StringComparison.OrdinalIgnoreCase))
        {
            var bin = PostgresLocator.FindServerBinaries(configuration["Database:ServerBinaries"]);
            return bin is null
                ? new DoctorCheck("postgresql", CheckStatus.Failed, "Database:Mode is Managed but initdb/pg_ctl/postgres were not found (apt-get install postgresql)")
                : new DoctorCheck("postgresql", CheckStatus.Ok, $"managed mode; server binaries in {bin}");
        }

        if (!string.Equals(mode, "External", StringComparison.OrdinalIgnoreCase))
        {
            return new DoctorCheck("postgresql", CheckStatus.Failed, $"Database:Mode must be Managed or External, not '{mode}'");
        }

        var connectionString = configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return new DoctorCheck("postgresql", CheckStatus.Failed, "Database:Mode is External but ConnectionStrings:Postgres is empty");
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5 };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("select current_setting('server_version')", connection);
            var version = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return new DoctorCheck("postgresql", CheckStatus.Ok, $"external; reachable at {builder.Host}:{builder.Port}, server {version}");
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return new DoctorCheck("postgresql", CheckStatus.Failed, $"external; not reachable: {ex.Message.ReplaceLineEndings(" ")}");
        }
    }

    private IEnumerable<DoctorCheck> PeerChecks(bool requirePeers)
    {
        foreach (var (family, package, executables) in PeerTools.All)
        {
            var missing = executables.Where(e => findExecutable(e) is null).ToList();
            if (missing.Count == 0)
            {
                yield return new DoctorCheck($"peer:{family}", CheckStatus.Ok, $"found ({string.Join(", ", executables)})");
            }
            else
            {
                yield return new DoctorCheck(
                    $"peer:{family}",
                    requirePeers ? CheckStatus.Failed : CheckStatus.Warning,
                    $"missing {string.Join(", ", missing)} (apt-get install {package}); the interoperability tests need it");
            }
        }
    }
}
