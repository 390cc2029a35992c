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
        var passwordFile = ManagedPostgres.PasswordPath(dataDirectory);
        if (!File.Exists(passwordFile))
        {
            throw new ManagedPostgresException($"no managed database in {dataDirectory} (Database:DataDirectory); has the node run here?");
        }

        var cluster = ManagedPostgres.ClusterPath(dataDirectory);
        if (ManagedPostgres.RunningPort(cluster) is not { } port)
        {
            throw File.Exists(Path.Combine(cluster, "postmaster.pid"))
                ? new ManagedPostgresException($"cannot read the port of the managed database from {Path.Combine(cluster, "postmaster.pid")}")
                : new ManagedPostgresException($"the node's managed database in {dataDirectory} is not running; start the node (cseg serve) first");
        }

        return ManagedPostgres.ConnectionStringFor(port, File.ReadAllText(passwordFile).Trim());
    }
}
