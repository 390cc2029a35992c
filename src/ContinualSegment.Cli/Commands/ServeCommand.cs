using System.CommandLine;
using ContinualSegment.Node.Hosting;
using ContinualSegment.Node.Storage;
using Microsoft.Extensions.Hosting;

namespace ContinualSegment.Cli.Commands;

/// <summary><c>cseg serve</c>: runs the node until stopped (Ctrl+C, SIGTERM, systemd or the Windows service manager).</summary>
public static class ServeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = CommonOptions.Config();
        var command = new Command("serve", "Run the node: DICOM listener, PostgreSQL queue, workers, export, as configured.")
        {
            config,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            IHost host;
            try
            {
                host = NodeHost.Build(CsegConfiguration.Build(parse.GetValue(config)));
            }
            catch (NodeConfigurationException ex)
            {
                foreach (var problem in ex.Problems)
                {
                    await error.WriteLineAsync($"cseg serve: configuration: {problem}").ConfigureAwait(false);
                }

                return CsegApp.Failure;
            }

            using (host)
            {
                try
                {
                    await host.RunAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ManagedPostgresException or MigrationException or System.Net.Sockets.SocketException or Npgsql.NpgsqlException)
                {
                    await error.WriteLineAsync($"cseg serve: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
                    return CsegApp.Failure;
                }
            }

            await output.WriteLineAsync("cseg serve: stopped").ConfigureAwait(false);
            return CsegApp.Success;
        });
        return command;
    }
}
