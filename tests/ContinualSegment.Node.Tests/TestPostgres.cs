using ContinualSegment.Node.Storage;
using Dapper;
using Npgsql;

namespace ContinualSegment.Node.Tests;

/// <summary>
/// A fresh database on the test run's private PostgreSQL (scripts/test.sh exports CSEG_TEST_POSTGRES), migrated to the
/// node's schema, dropped afterwards. Its absence fails the tests: a missing peer is a failure, never a skip.
/// </summary>
public sealed class TestPostgres : IAsyncLifetime
{
    public const string Variable = "CSEG_TEST_POSTGRES";

    private string? name;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public string ConnectionString { get; private set; } = string.Empty;

    public static string ServerConnectionString()
        => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{Variable} is not set: run the tests with scripts/test.sh, which starts a private PostgreSQL");

    public async Task InitializeAsync()
    {
        name = "cseg_t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = new NpgsqlConnection(ServerConnectionString()))
        {
            await admin.OpenAsync();
            await admin.ExecuteAsync($"create database {name}");
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString()) { Database = name }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        await new MigrationRunner().MigrateAsync(DataSource, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(ServerConnectionString());
        await admin.OpenAsync();
        await admin.ExecuteAsync($"drop database if exists {name} with (force)");
    }

    /// <summary>Adds a patient, study and series (as ingest would) and returns the series id.</summary>
    public async Task<long> AddSeriesAsync(string seriesUid)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        var now = DateTimeOffset.UtcNow;
        var patient = await connection.ExecuteScalarAsync<long>(
            "insert into patients (patient_id, created_at) values (@id, @now) on conflict (patient_id, issuer) do update set patient_id = excluded.patient_id returning id",
            new { id = "P1", now });
        var study = await connection.ExecuteScalarAsync<long>(
            "insert into studies (study_instance_uid, patient_ref, created_at) values (@uid, @patient, @now) returning id",
            new { uid = seriesUid + ".1", patient, now });
        return await connection.ExecuteScalarAsync<long>(
            "insert into series (series_instance_uid, study_ref, calling_ae, called_ae, first_received_at, last_received_at) values (@uid, @study, 'CT01', 'CSEG', @now, @now) returning id",
            new { uid = seriesUid, study, now });
    }
}
