using ContinualSegment.Node.Storage;
using Dapper;
using Npgsql;

namespace ContinualSegment.Node.Tests.Storage;

public sealed class MigrationRunnerTests : IAsyncLifetime
{
    private readonly TestPostgres database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public void The_shipped_migrations_are_numbered_from_one_and_named_as_files()
    {
        var shipped = MigrationRunner.Shipped();
        Assert.NotEmpty(shipped);
        Assert.Equal(Enumerable.Range(1, shipped.Count), shipped.Select(m => m.Version));
        Assert.Equal("V0001__init.sql", shipped[0].Name);
        Assert.Contains("create table jobs", shipped[0].Sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrating_a_migrated_database_applies_nothing_and_keeps_the_tables()
    {
        var version = await new MigrationRunner().MigrateAsync(database.DataSource, CancellationToken.None);

        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.Equal(MigrationRunner.Shipped().Count, version);
        Assert.Equal(MigrationRunner.Shipped().Count, await connection.ExecuteScalarAsync<int>("select count(*) from schema_migrations"));
        var tables = (await connection.QueryAsync<string>("select table_name from information_schema.tables where table_schema = 'public'")).ToHashSet();
        Assert.Superset(new HashSet<string> { "patients", "studies", "series", "instances", "jobs", "job_events", "deliveries", "result_files", "worklist_items", "decoder_events", "audit_events" }, tables);
    }

    [Fact]
    public async Task Processes_starting_together_apply_each_migration_once()
    {
        await using var fresh = await FreshDatabaseAsync();
        var extra = MigrationRunner.Parse("V0002__counter.sql", "create table counter (n integer); insert into counter values (1);");
        var migrations = new[] { MigrationRunner.Shipped()[0], extra };

        var runs = Enumerable.Range(0, 4).Select(_ => Task.Run(() => new MigrationRunner(migrations).MigrateAsync(fresh.DataSource, CancellationToken.None)));
        var versions = await Task.WhenAll(runs);

        Assert.All(versions, v => Assert.Equal(2, v));
        await using var connection = await fresh.DataSource.OpenConnectionAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*) from counter"));
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("select count(*) from schema_migrations"));
    }

    [Fact]
    public async Task A_changed_migration_is_refused_by_name()
    {
        var changed = MigrationRunner.Parse("V0001__init.sql", MigrationRunner.Shipped()[0].Sql + "\n-- edited after release\n");

        var error = await Assert.ThrowsAsync<MigrationException>(() => new MigrationRunner([changed]).MigrateAsync(database.DataSource, CancellationToken.None));

        Assert.Contains("V0001__init.sql", error.Message, StringComparison.Ordinal);
        Assert.Contains("must never change", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_from_a_newer_node_is_refused()
    {
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("insert into schema_migrations values (99, 'V0099__future.sql', 'abc', now())");
        }

        var error = await Assert.ThrowsAsync<MigrationException>(() => new MigrationRunner().MigrateAsync(database.DataSource, CancellationToken.None));
        Assert.Contains("newer node", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_migration_leaves_nothing_of_itself()
    {
        var shipped = MigrationRunner.Shipped();
        var name = $"V{shipped.Count + 1:D4}__broken.sql";
        var broken = MigrationRunner.Parse(name, "create table half_done (n integer); select * from no_such_table;");
        var migrations = shipped.Append(broken).ToArray();

        var error = await Assert.ThrowsAsync<MigrationException>(() => new MigrationRunner(migrations).MigrateAsync(database.DataSource, CancellationToken.None));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from information_schema.tables where table_name = 'half_done'"));
        Assert.Equal(shipped.Count, await connection.ExecuteScalarAsync<int>("select count(*) from schema_migrations"));
    }

    [Theory]
    [InlineData("init.sql")]
    [InlineData("V1__init.sql")]
    [InlineData("V0001_init.sql")]
    [InlineData("V0001__../../etc.sql")]
    public void Names_that_are_not_migrations_are_refused(string name)
    {
        Assert.Throws<MigrationException>(() => MigrationRunner.Parse(name, "select 1"));
    }

    private static async Task<EmptyDatabase> FreshDatabaseAsync()
    {
        var name = "cseg_e_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = new NpgsqlConnection(TestPostgres.ServerConnectionString()))
        {
            await admin.OpenAsync();
            await admin.ExecuteAsync($"create database {name}");
        }

        return new EmptyDatabase(name, NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(TestPostgres.ServerConnectionString()) { Database = name }.ConnectionString));
    }

    private sealed record EmptyDatabase(string Name, NpgsqlDataSource DataSource) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await DataSource.DisposeAsync();
            await using var admin = new NpgsqlConnection(TestPostgres.ServerConnectionString());
            await admin.OpenAsync();
            await admin.ExecuteAsync($"drop database if exists {Name} with (force)");
        }
    }
}
