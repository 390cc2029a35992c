using System.CommandLine;
using ContinualSegment.Cli.Doctor;

namespace ContinualSegment.Cli.Commands;

/// <summary><c>cseg doctor</c>: can this machine run the node?</summary>
public static class DoctorCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = CommonOptions.Config();
        var requirePeers = new Option<bool>("--require-peers")
        {
            Description = "Fail (exit 1) when a test peer (dcmtk, dicom3tools, plastimatch, dcm2niix) is missing.",
        };
        var command = new Command("doctor", "Report the runtime, libtorch, CUDA, PostgreSQL and test peers; exit 0 when the node can run.")
        {
            config,
            requirePeers,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = CsegConfiguration.Build(parse.GetValue(config));
            var checks = await new DoctorService(configuration).RunAsync(parse.GetValue(requirePeers), cancellationToken).ConfigureAwait(false);
            foreach (var check in checks)
            {
                var mark = check.Status switch
                {
                    CheckStatus.Ok => "ok  ",
                    CheckStatus.Info => "info",
                    CheckStatus.Warning => "warn",
                    _ => "FAIL",
                };
                await output.WriteLineAsync($"{mark}  {check.Name,-18} {check.Detail}").ConfigureAwait(false);
            }

            var failed = checks.Where(c => c.Status == CheckStatus.Failed).ToList();
            foreach (var f in failed)
            {
                await error.WriteLineAsync($"cseg doctor: {f.Name}: {f.Detail}").ConfigureAwait(false);
            }

            return failed.Count == 0 ? CsegApp.Success : CsegApp.Failure;
        });
        return command;
    }
}
