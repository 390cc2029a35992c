namespace ContinualSegment.Cli.Tests;

public sealed class NodeCommandTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("cseg-node-cli-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Serve_with_a_wrong_configuration_lists_every_problem_on_its_own_line_and_exits_1()
    {
        var config = Path.Combine(directory, "bad.json");
        await File.WriteAllTextAsync(config, """
            {
              "Dicom": { "AeTitle": "", "Port": -1 },
              "Database": { "Mode": "External" },
              "Routing": { "Default": { "Destinations": [ "NOWHERE" ] } },
              "Model": { "Directory": "/no/model" }
            }
            """);

        var (code, _, error) = await CsegRunner.RunAsync("serve", "--config", config);

        Assert.Equal(1, code);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.StartsWith("cseg serve: configuration: ", l, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Dicom:AeTitle", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Dicom:Port", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("ConnectionStrings:Postgres", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("'NOWHERE'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Model:Directory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Admin_commands_say_when_the_managed_database_is_not_running()
    {
        var config = Path.Combine(directory, "node.json");
        await File.WriteAllTextAsync(config, $$"""{ "Database": { "Mode": "Managed", "DataDirectory": "{{Path.Combine(directory, "pgdata")}}" } }""");

        foreach (var args in new[] { new[] { "jobs", "list" }, ["deliveries", "list"], ["audit", "list"] })
        {
            var (code, _, error) = await CsegRunner.RunAsync([.. args, "--config", config]);
            Assert.Equal(1, code);
            Assert.Contains("no managed database", error, StringComparison.Ordinal);
            Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    [Fact]
    public async Task Admin_commands_work_against_an_external_database()
    {
        var config = Path.Combine(directory, "external.json");
        var database = "cseg_cli_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new Npgsql.NpgsqlConnection(TestEnvironment.PostgresConnectionString()))
        {
            await admin.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"create database {database}", admin);
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            var target = new Npgsql.NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnectionString()) { Database = database }.ConnectionString;
            await File.WriteAllTextAsync(config, $$"""{ "Database": { "Mode": "External" }, "ConnectionStrings": { "Postgres": "{{target}}" } }""");
            await using (var source = Npgsql.NpgsqlDataSource.Create(target))
            {
                await new ContinualSegment.Node.Storage.MigrationRunner().MigrateAsync(source, CancellationToken.None);
            }

            var jobs = await CsegRunner.RunAsync("jobs", "list", "--config", config);
            var missing = await CsegRunner.RunAsync("jobs", "show", "7", "--config", config);
            var retry = await CsegRunner.RunAsync("jobs", "retry", "7", "--config", config);
            var audit = await CsegRunner.RunAsync("audit", "list", "--config", config, "--ae", "CT01");

            Assert.Equal(0, jobs.ExitCode);
            Assert.Equal(string.Empty, jobs.Output);
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("no job 7", missing.Error, StringComparison.Ordinal);
            Assert.Equal(1, retry.ExitCode);
            Assert.Equal(0, audit.ExitCode);
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await using var admin = new Npgsql.NpgsqlConnection(TestEnvironment.PostgresConnectionString());
            await admin.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"drop database if exists {database} with (force)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
