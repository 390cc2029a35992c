using System.Globalization;
using Npgsql;

namespace ContinualSegment.Node.Storage;

/// <summary>
/// How a tool reaches a node's database from the node's configuration: External mode uses the connection string; Managed
/// mode finds the running cluster's port in its data directory and the password beside it.
/// </summary>
public static class NodeConnection
{
    /// <summary>The connection string for <paramref name="options"/>.</summary>
    /// <exception cref="ManagedPostgresException">Managed mode and the cluster is not running (or was never created).</exception>
    public static string For(DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mode == DatabaseMode.External)
        {
            return options.ConnectionString;
        }

        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        var pidFile = Path.Combine(dataDirectory, "cluster", "postmaster.pid");
        var passwordFile = Path.Combine(dataDirectory, "password");
        if (!File.Exists(passwordFile))
        {
            throw new ManagedPostgresException($"no managed database in {dataDirectory} (Database:DataDirectory); has the node run here?");
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(pidFile);
        }
        catch (IOException)
        {
            throw new ManagedPostgresException($"the node's managed database in {dataDirectory} is not running; start the node (cseg serve) first");
        }

        if (lines.Length < 4 || !int.TryParse(lines[3], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new ManagedPostgresException($"cannot read the port of the managed database from {pidFile}");
        }

        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = ManagedPostgres.RoleName,
            Password = File.ReadAllText(passwordFile).Trim(),
            Database = ManagedPostgres.RoleName,
        }.ConnectionString;
    }
}
