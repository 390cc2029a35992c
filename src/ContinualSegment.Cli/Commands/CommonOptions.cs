using System.CommandLine;

namespace ContinualSegment.Cli.Commands;

/// <summary>Options several commands share.</summary>
public static class CommonOptions
{
    /// <summary><c>--config FILE</c>: a configuration file instead of ./appsettings.json.</summary>
    public static Option<string?> Config() => new("--config")
    {
        Description = "Configuration file (default: ./appsettings.json); CSEG_* environment variables override it.",
    };
}
