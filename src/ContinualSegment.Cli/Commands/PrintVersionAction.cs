using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace ContinualSegment.Cli.Commands;

/// <summary>Prints the version of cseg itself, whichever process hosts the command tree.</summary>
public sealed class PrintVersionAction : SynchronousCommandLineAction
{
    private readonly TextWriter output;

    public PrintVersionAction(TextWriter output)
    {
        this.output = output ?? throw new ArgumentNullException(nameof(output));
    }

    /// <summary>The informational version of the cseg assembly, without source-control metadata.</summary>
    public static string Version
    {
        get
        {
            var assembly = typeof(PrintVersionAction).Assembly;
            var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            var version = informational ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
            var plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? version : version[..plus];
        }
    }

    public override int Invoke(ParseResult parseResult)
    {
        output.WriteLine(Version);
        return CsegApp.Success;
    }
}
