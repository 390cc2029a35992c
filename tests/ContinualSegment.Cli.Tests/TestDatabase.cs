using Npgsql;

namespace ContinualSegment.Cli.Tests;

/// <summary>A new, empty database on the test run's private PostgreSQL, dropped (with its connections) on dispose.</summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private readonly string name;

    private TestDatabase(string name, string connectionString)
    {
        this.name = name;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var name = prefix + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(TestEnvironment.PostgresConnectionString()))
        {
            await admin.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"create database {name}", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return new TestDatabase(name, new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnectionString()) { Database = name }.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresConnectionString());
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists {name} with (force)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
