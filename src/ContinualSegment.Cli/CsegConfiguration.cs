using Microsoft.Extensions.Configuration;

namespace ContinualSegment.Cli;

/// <summary>
/// The configuration every command sees: <c>appsettings.json</c> (or the file given with --config), then
/// environment variables with prefix <c>CSEG_</c> (<c>__</c> stands for <c>:</c>).
/// </summary>
public static class CsegConfiguration
{
    public const string EnvironmentPrefix = "CSEG_";
    public const string DefaultFileName = "appsettings.json";

    /// <summary>Builds the configuration; an explicitly named file must exist.</summary>
    /// <exception cref="FileNotFoundException">The file named with --config does not exist.</exception>
    public static IConfigurationRoot Build(string? configFile)
    {
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            var full = Path.GetFullPath(configFile);
            if (!File.Exists(full))
            {
                throw new FileNotFoundException($"configuration file not found: {full}", full);
            }

            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }
        else
        {
            var local = Path.Combine(Directory.GetCurrentDirectory(), DefaultFileName);
            var shipped = Path.Combine(AppContext.BaseDirectory, DefaultFileName);
            builder.AddJsonFile(File.Exists(local) ? local : shipped, optional: true, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);
        return builder.Build();
    }
}
