using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ContinualSegment.Node.Storage;

/// <summary>
/// Applies the node's forward-only migrations (<c>sql/V*.sql</c>, carried inside this assembly) in order, each in its own
/// transaction, under a PostgreSQL advisory lock so that node processes starting together apply each exactly once.
/// An applied migration whose text has changed, or a database newer than this node, is refused.
/// </summary>
public sealed partial class MigrationRunner
{
    /// <summary>The advisory lock key all node processes take while migrating ("cseg" in ASCII).</summary>
    public const long AdvisoryLockKey = 0x63736567;

    private readonly IReadOnlyList<Migration> migrations;
    private readonly TimeProvider time;
    private readonly ILogger logger;

    /// <summary>Creates a runner over the given migrations (the shipped ones by default).</summary>
    public MigrationRunner(IReadOnlyList<Migration>? migrations = null, TimeProvider? time = null, ILogger<MigrationRunner>? logger = null)
    {
        this.migrations = migrations ?? Shipped();
        this.time = time ?? TimeProvider.System;
        this.logger = logger ?? NullLogger<MigrationRunner>.Instance;
    }

    /// <summary>The migrations carried in this assembly, in version order.</summary>
    public static IReadOnlyList<Migration> Shipped()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("sql/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            list.Add(Parse(resource["sql/".Length..], reader.ReadToEnd()));
        }

        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Version != i + 1)
            {
                throw new MigrationException($"migrations must be numbered 1, 2, 3 … without gaps; found {list[i].Name} at position {i + 1}");
            }
        }

        return list;
    }

    /// <summary>A migration from its file name (<c>V0001__name.sql</c>) and text.</summary>
    public static Migration Parse(string fileName, string sql)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(sql);
        var match = FileNamePattern().Match(fileName);
        if (!match.Success)
        {
            throw new MigrationException($"{fileName} is not a migration name (V0001__name.sql)");
        }

        var version = int.Parse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture);
        var normalised = sql.Replace("\r\n", "\n", StringComparison.Ordinal);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));
        return new Migration(version, fileName, normalised, checksum);
    }

    /// <summary>Brings the database to the newest migration; returns the schema version.</summary>
    /// <exception cref="MigrationException">An applied migration differs from the shipped one, the database is newer than this node, or a migration failed.</exception>
    public async Task<int> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            try
            {
                return await MigrateLockedAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_unlock(@key)", new { key = AdvisoryLockKey }, cancellationToken: CancellationToken.None)).ConfigureAwait(false);
            }
        }
    }

    [GeneratedRegex(@"^V(\d{4})__[A-Za-z0-9_]+\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();

    private async Task<int> MigrateLockedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            """
            create table if not exists schema_migrations (
                version     integer primary key,
                name        text not null,
                checksum    text not null,
                applied_at  timestamptz not null
            )
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var applied = (await connection.QueryAsync<(int Version, string Name, string Checksum)>(new CommandDefinition(
            "select version, name, checksum from schema_migrations order by version", cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        var known = migrations.ToDictionary(m => m.Version);
        foreach (var row in applied)
        {
            if (!known.TryGetValue(row.Version, out var shipped))
            {
                throw new MigrationException($"the database has migration {row.Name} (version {row.Version}), which this node does not know: it was made by a newer node; run that version or restore a matching backup");
            }

            if (!string.Equals(shipped.Checksum, row.Checksum, StringComparison.Ordinal))
            {
                throw new MigrationException($"migration {row.Name} was applied with different content than this node ships (checksum {row.Checksum[..12]} vs {shipped.Checksum[..12]}); released migrations must never change");
            }
        }

        var done = applied.Select(r => r.Version).ToHashSet();
        var count = 0;
        foreach (var migration in migrations.Where(m => !done.Contains(m.Version)))
        {
            var watch = Stopwatch.StartNew();
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                try
                {
                    await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                }
                catch (PostgresException ex)
                {
                    throw new MigrationException($"migration {migration.Name} failed: {ex.MessageText} (SQLSTATE {ex.SqlState}); nothing of it was applied", ex);
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    "insert into schema_migrations (version, name, checksum, applied_at) values (@Version, @Name, @Checksum, @at)",
                    new { migration.Version, migration.Name, migration.Checksum, at = time.GetUtcNow() },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            Log.MigrationApplied(logger, migration.Name, watch.ElapsedMilliseconds);
            count++;
        }

        var version = migrations.Count == 0 ? 0 : migrations[^1].Version;
        Log.SchemaReady(logger, version, count);
        return version;
    }
}
