using System.Net;
using System.Net.Sockets;

namespace ContinualSegment.Cli.Tests;

/// <summary>What the test run provides (scripts/test.sh starts a private PostgreSQL and exports it).</summary>
internal static class TestEnvironment
{
    public const string PostgresVariable = "CSEG_TEST_POSTGRES";

    /// <summary>The private cluster's connection string; its absence fails the test (run scripts/test.sh).</summary>
    public static string PostgresConnectionString()
        => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{PostgresVariable} is not set: run the tests with scripts/test.sh, which starts a private PostgreSQL");

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
