using ContinualSegment.Node.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ContinualSegment.Node.Hosting;

/// <summary>
/// The node's database for the life of the process: in Managed mode its own cluster is started (and stopped at the end),
/// in External mode the configured server is used; either way the schema is migrated before anything else runs.
/// </summary>
public sealed class NodeDatabase : IAsyncDisposable
{
    /// <summary>Statements each connection keeps prepared (Npgsql's automatic preparation) unless the connection string says otherwise.</summary>
    public const int AutoPreparedStatements = 64;

    private readonly DatabaseOptions options;
    private readonly TimeProvider time;
    private readonly ILoggerFactory loggers;
    private ManagedPostgres? managed;
    private NpgsqlDataSource? dataSource;
    private string? connectionString;

    /// <summary>Creates the holder; nothing is started until <see cref="StartAsync"/>.</summary>
    public NodeDatabase(DatabaseOptions options, TimeProvider time, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        this.options = options;
        this.time = time;
        this.loggers = loggers ?? NullLoggerFactory.Instance;
    }

    /// <summary>The data source; only after <see cref="StartAsync"/>.</summary>
    public NpgsqlDataSource DataSource => dataSource ?? throw new InvalidOperationException("the database is not started yet");

    /// <summary>The connection string in use (with a managed cluster's password); only after <see cref="StartAsync"/>. For components that open their own connections, such as the scheduler's job store.</summary>
    public string ConnectionString => connectionString ?? throw new InvalidOperationException("the database is not started yet");

    /// <summary>The schema version after migration.</summary>
    public int SchemaVersion { get; private set; }

    /// <summary>Starts (Managed) or reaches (External) the server and migrates the schema.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        string connectionString;
        if (options.Mode == DatabaseMode.Managed)
        {
            managed = await ManagedPostgres.StartAsync(options, loggers.CreateLogger<ManagedPostgres>(), cancellationToken).ConfigureAwait(false);
            connectionString = managed.ConnectionString;
        }
        else
        {
            connectionString = options.ConnectionString;
        }

        this.connectionString = connectionString;
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseLoggerFactory(loggers);
        builder.ConnectionStringBuilder.ApplicationName = "cseg";
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // The same few statements run for every instance, claim and heartbeat: prepared once per connection, they
            // are not parsed and planned again each time. A connection string that sets its own value keeps it.
            builder.ConnectionStringBuilder.MaxAutoPrepare = AutoPreparedStatements;
        }

        dataSource = builder.Build();
        try
        {
            SchemaVersion = await new MigrationRunner(null, time, loggers.CreateLogger<MigrationRunner>()).MigrateAsync(dataSource, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw new ManagedPostgresException($"cannot reach the database ({Describe(connectionString)}): {ex.Message}", ex);
        }
    }

    /// <summary>Closes the connections and stops a managed cluster this process started.</summary>
    public async ValueTask DisposeAsync()
    {
        if (dataSource is not null)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            dataSource = null;
        }

        if (managed is not null)
        {
            await managed.DisposeAsync().ConfigureAwait(false);
            managed = null;
        }
    }

    private static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{b.Username}@{b.Host}:{b.Port}/{b.Database}";
    }
}
