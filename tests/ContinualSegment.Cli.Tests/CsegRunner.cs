using ContinualSegment.Cli;

namespace ContinualSegment.Cli.Tests;

/// <summary>Runs the cseg command tree in-process and captures what it prints.</summary>
internal static class CsegRunner
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
        => RunAsync(CancellationToken.None, args);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CsegApp.RunAsync(args, output, error, cancellationToken);
        return (code, output.ToString(), error.ToString());
    }
}
