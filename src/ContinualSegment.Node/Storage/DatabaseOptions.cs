namespace ContinualSegment.Node.Storage;

/// <summary>The <c>Database</c> section of the configuration.</summary>
public sealed class DatabaseOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Database";

    /// <summary>Managed (default) or External.</summary>
    public DatabaseMode Mode { get; set; } = DatabaseMode.Managed;

    /// <summary>Managed mode: the directory holding the cluster (<c>cluster/</c>), its password file and its log.</summary>
    public string DataDirectory { get; set; } = ".cseg/pgdata";

    /// <summary>Managed mode: the PostgreSQL server binaries (initdb, pg_ctl); empty: the newest <c>/usr/lib/postgresql/*/bin</c>.</summary>
    public string ServerBinDirectory { get; set; } = string.Empty;

    /// <summary>Managed mode: the loopback port; 0 picks a free one at each start.</summary>
    public int Port { get; set; }

    /// <summary>Managed mode: how long starting or stopping the cluster may take.</summary>
    public int StartTimeoutSeconds { get; set; } = 60;

    /// <summary>External mode: the connection string (bound from <c>ConnectionStrings:Postgres</c>).</summary>
    public string ConnectionString { get; set; } = string.Empty;
}
