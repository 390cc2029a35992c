using ContinualSegment.Cli.Doctor;
using Microsoft.Extensions.Configuration;

namespace ContinualSegment.Cli.Tests;

public sealed class DoctorTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();

    [Fact]
    public async Task Doctor_reports_libtorch_loaded_and_the_real_database_reachable()
    {
        var connectionString = TestEnvironment.PostgresConnectionString();
        var config = Config(("Database:Mode", "External"), ("ConnectionStrings:Postgres", connectionString));

        var checks = await new DoctorService(config).RunAsync(requirePeers: true, CancellationToken.None);

        var torch = Assert.Single(checks, c => c.Name == "libtorch");
        Assert.Equal(CheckStatus.Ok, torch.Status);
        Assert.Contains("loaded", torch.Detail, StringComparison.Ordinal);
        var db = Assert.Single(checks, c => c.Name == "postgresql");
        Assert.Equal(CheckStatus.Ok, db.Status);
        Assert.Contains("server 15", db.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(checks, c => c.Status == CheckStatus.Failed);
    }

    [Fact]
    public async Task Unreachable_external_database_fails_with_a_reason()
    {
        // A port that was just free on loopback: nothing listens there.
        var port = TestEnvironment.FreeTcpPort();
        var config = Config(("Database:Mode", "External"), ("ConnectionStrings:Postgres", $"Host=127.0.0.1;Port={port};Username=x;Timeout=2"));

        var checks = await new DoctorService(config).RunAsync(requirePeers: false, CancellationToken.None);

        var db = Assert.Single(checks, c => c.Name == "postgresql");
        Assert.Equal(CheckStatus.Failed, db.Status);
        Assert.Contains("not reachable", db.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_database_mode_fails()
    {
        var checks = await new DoctorService(Config(("Database:Mode", "Sometimes"))).RunAsync(false, CancellationToken.None);

        Assert.Equal(CheckStatus.Failed, Assert.Single(checks, c => c.Name == "postgresql").Status);
    }

    [Fact]
    public async Task Managed_mode_finds_the_server_binaries()
    {
        var checks = await new DoctorService(Config(("Database:Mode", "Managed"))).RunAsync(false, CancellationToken.None);

        var db = Assert.Single(checks, c => c.Name == "postgresql");
        Assert.Equal(CheckStatus.Ok, db.Status);
        Assert.True(File.Exists(Path.Combine(PostgresLocator.FindServerBinaries(null)!, "initdb")));
    }

    [Fact]
    public async Task Missing_peer_is_a_failure_only_when_peers_are_required()
    {
        static string? NothingFound(string executable) => null;

        var relaxed = await new DoctorService(Config(("Database:Mode", "Managed")), NothingFound).RunAsync(false, CancellationToken.None);
        var strict = await new DoctorService(Config(("Database:Mode", "Managed")), NothingFound).RunAsync(true, CancellationToken.None);

        Assert.Equal(CheckStatus.Warning, Assert.Single(relaxed, c => c.Name == "peer:dcmtk").Status);
        Assert.Equal(CheckStatus.Failed, Assert.Single(strict, c => c.Name == "peer:dcmtk").Status);
        Assert.Contains("apt-get install dcmtk", Assert.Single(strict, c => c.Name == "peer:dcmtk").Detail, StringComparison.Ordinal);
    }
}
