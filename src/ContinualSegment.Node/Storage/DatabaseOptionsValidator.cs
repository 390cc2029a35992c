using Microsoft.Extensions.Options;
using Npgsql;

namespace ContinualSegment.Node.Storage;

/// <summary>Checks the <c>Database</c> section at start-up, one line per problem.</summary>
public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!Enum.IsDefined(options.Mode))
        {
            problems.Add($"Database:Mode must be Managed or External, not {(int)options.Mode}");
        }

        if (options.Mode == DatabaseMode.Managed)
        {
            if (string.IsNullOrWhiteSpace(options.DataDirectory))
            {
                problems.Add("Database:DataDirectory must name a directory in Managed mode");
            }

            if (options.Port is < 0 or > 65535)
            {
                problems.Add($"Database:Port must be 0 (any free port) or 1-65535, not {options.Port}");
            }

            if (options.StartTimeoutSeconds is < 5 or > 3600)
            {
                problems.Add($"Database:StartTimeoutSeconds must be 5-3600, not {options.StartTimeoutSeconds}");
            }
        }
        else if (options.Mode == DatabaseMode.External)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                problems.Add("ConnectionStrings:Postgres must be set in External mode");
            }
            else
            {
                try
                {
                    _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                }
                catch (ArgumentException ex)
                {
                    problems.Add($"ConnectionStrings:Postgres is not a valid connection string: {ex.Message}");
                }
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
