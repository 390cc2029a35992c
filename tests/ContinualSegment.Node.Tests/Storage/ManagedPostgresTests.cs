using ContinualSegment.Node.Storage;
using Dapper;
using Npgsql;

namespace ContinualSegment.Node.Tests.Storage;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ManagedPostgresTests : IDisposable
{
    private readonly string root;

    public ManagedPostgresTests()
    {
        root = Directory.CreateTempSubdirectory("cseg-managed-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Creates_a_loopback_cluster_with_a_private_password_and_keeps_data_across_restarts()
    {
        var options = new DatabaseOptions { DataDirectory = Path.Combine(root, "pgdata") };
        var passwordFile = Path.Combine(options.DataDirectory, "password");

        await using (var server = await ManagedPostgres.StartAsync(options, null, CancellationToken.None))
        {
            Assert.True(server.StartedHere);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passwordFile));
            var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString);
            Assert.Equal("127.0.0.1", builder.Host);
            Assert.Equal(server.Port, builder.Port);

            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync();
            Assert.Equal("cseg", await connection.ExecuteScalarAsync<string>("select current_database()"));
            Assert.Equal("127.0.0.1", await connection.ExecuteScalarAsync<string>("show listen_addresses"));
            await connection.ExecuteAsync("create table kept (n integer); insert into kept values (42)");

            var wrong = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = "not-the-password" };
            await using var intruder = new NpgsqlConnection(wrong.ConnectionString);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => intruder.OpenAsync());
            Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);

            // A second node process on this machine joins the running cluster and does not stop it.
            await using (var joined = await ManagedPostgres.StartAsync(options, null, CancellationToken.None))
            {
                Assert.False(joined.StartedHere);
                Assert.Equal(server.Port, joined.Port);
            }

            Assert.Equal(42, await connection.ExecuteScalarAsync<int>("select n from kept"));
        }

        await using (var again = await ManagedPostgres.StartAsync(options, null, CancellationToken.None))
        {
            Assert.True(again.StartedHere);
            await using var connection = new NpgsqlConnection(again.ConnectionString);
            await connection.OpenAsync();
            Assert.Equal(42, await connection.ExecuteScalarAsync<int>("select n from kept"));
        }

        Assert.False(File.Exists(Path.Combine(options.DataDirectory, "cluster", "postmaster.pid")));
    }

    [Fact]
    public async Task A_lost_password_file_is_named_in_the_refusal()
    {
        var options = new DatabaseOptions { DataDirectory = Path.Combine(root, "pgdata") };
        await using (await ManagedPostgres.StartAsync(options, null, CancellationToken.None))
        {
        }

        File.Delete(Path.Combine(options.DataDirectory, "password"));
        var error = await Assert.ThrowsAsync<ManagedPostgresException>(() => ManagedPostgres.StartAsync(options, null, CancellationToken.None));
        Assert.Contains("password file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_directory_the_server_user_cannot_reach_is_refused_before_anything_is_created()
    {
        Assert.True(Environment.IsPrivilegedProcess, "the tests run as root here, as CI does");
        var closed = Path.Combine(root, "closed");
        Directory.CreateDirectory(closed);
        File.SetUnixFileMode(closed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var error = await Assert.ThrowsAsync<ManagedPostgresException>(() =>
            ManagedPostgres.StartAsync(new DatabaseOptions { DataDirectory = Path.Combine(closed, "pgdata") }, null, CancellationToken.None));

        Assert.Contains(closed, error.Message, StringComparison.Ordinal);
        Assert.Contains("postgres", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(closed, "pgdata", "cluster", "PG_VERSION")));
    }

    [Fact]
    public void Missing_server_binaries_are_named()
    {
        var error = Assert.Throws<ManagedPostgresException>(() => ManagedPostgres.FindServerBinaries(root));
        Assert.Contains("pg_ctl", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("/bin", ManagedPostgres.FindServerBinaries(string.Empty), StringComparison.Ordinal);
    }
}
