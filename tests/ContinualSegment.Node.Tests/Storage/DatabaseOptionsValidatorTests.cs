using ContinualSegment.Node.Storage;

namespace ContinualSegment.Node.Tests.Storage;

public sealed class DatabaseOptionsValidatorTests
{
    private readonly DatabaseOptionsValidator validator = new();

    [Fact]
    public void The_default_managed_configuration_is_valid()
    {
        Assert.True(validator.Validate(null, new DatabaseOptions()).Succeeded);
    }

    [Fact]
    public void Each_problem_gets_its_own_line_naming_the_key()
    {
        var result = validator.Validate(null, new DatabaseOptions { DataDirectory = " ", Port = 70000, StartTimeoutSeconds = 1 });

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Database:DataDirectory", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Database:Port", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Database:StartTimeoutSeconds", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Host=db;Bogus Key=1")]
    public void External_mode_needs_a_valid_connection_string(string connectionString)
    {
        var result = validator.Validate(null, new DatabaseOptions { Mode = DatabaseMode.External, ConnectionString = connectionString });

        Assert.True(result.Failed);
        Assert.StartsWith("ConnectionStrings:Postgres", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }
}
