using System.Net;
using ContinualSegment.Node.Hosting;
using ContinualSegment.Node.Ingest;
using ContinualSegment.Node.Storage;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ContinualSegment.Cli.Bench;

/// <summary>
/// The node's ingest as a benchmark receiver: the real <see cref="IngestService"/> on a real PostgreSQL (a managed cluster
/// of its own or the given server), so every instance is flushed under its final name with its directory and its row
/// committed before success is answered. Between runs its files and instance rows are removed (untimed).
/// </summary>
internal sealed class DurableIngestReceiver : IAsyncDisposable
{
    private readonly NodeDatabase database;
    private readonly IngestService ingest;

    private DurableIngestReceiver(NodeDatabase database, IngestService ingest, string root)
    {
        this.database = database;
        this.ingest = ingest;
        Root = root;
    }

    /// <summary>The storage root; instances are under <c>instances/</c>.</summary>
    public string Root { get; }

    /// <summary>The listening port.</summary>
    public int Port => ingest.Port;

    /// <summary>Starts the database (migrated) and the listener.</summary>
    public static async Task<DurableIngestReceiver> StartAsync(string aeTitle, string root, string workDirectory, string? connectionString, int maxAssociations, CancellationToken cancellationToken)
    {
        var options = connectionString is null
            ? new DatabaseOptions { Mode = DatabaseMode.Managed, DataDirectory = Path.Combine(Path.GetFullPath(workDirectory), "pgdata") }
            : new DatabaseOptions { Mode = DatabaseMode.External, ConnectionString = connectionString };
        var database = new NodeDatabase(options, TimeProvider.System);
        try
        {
            await database.StartAsync(cancellationToken).ConfigureAwait(false);
            var listener = new DicomListenerOptions { AeTitle = aeTitle, Port = 0, BindAddress = IPAddress.Loopback.ToString(), MaxAssociations = maxAssociations };
            var ingest = new IngestService(
                database,
                Options.Create(listener),
                Options.Create(new StorageOptions { Root = root, LowWaterMarkMegabytes = 64 }),
                Options.Create(new IngestOptions()),
                new DriveFreeSpace(),
                TimeProvider.System,
                NullLoggerFactory.Instance,
                []);
            await ingest.StartAsync(cancellationToken).ConfigureAwait(false);
            var receiver = new DurableIngestReceiver(database, ingest, root);
            await receiver.ResetAsync(cancellationToken).ConfigureAwait(false);
            return receiver;
        }
        catch
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Removes every received file, every instance row and the audit trail. The patient, study and series rows stay (the
    /// recorder knows their ids), so the next run is a series sent again after its instances were purged.
    /// </summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        var instances = Path.Combine(Root, "instances");
        if (Directory.Exists(instances))
        {
            Directory.Delete(instances, recursive: true);
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "truncate table audit_events, instances",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Instances whose rows are committed.</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition("select count(*) from instances", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await ingest.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await database.DisposeAsync().ConfigureAwait(false);
    }
}
