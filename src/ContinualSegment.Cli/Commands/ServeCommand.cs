using System.CommandLine;
using ContinualSegment.Node.Hosting;
using ContinualSegment.Node.Storage;
using Microsoft.Extensions.DependencyInjection;
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
                // Taken before the run: running disposes the host's services.
                var background = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
                try
                {
                    await host.RunAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ManagedPostgresException or MigrationException or System.Net.Sockets.SocketException or Npgsql.NpgsqlException)
                {
                    await error.WriteLineAsync($"cseg serve: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
                    return CsegApp.Failure;
                }

                // A part of the node that failed stops the host (its error is logged); the exit status must say so, or a
                // service manager that restarts on failure would leave the node down.
                var failed = background.Where(static s => s.ExecuteTask is { IsFaulted: true }).ToList();
                if (failed.Count > 0)
                {
                    foreach (var service in failed)
                    {
                        await error.WriteLineAsync($"cseg serve: {service.GetType().Name} failed: {service.ExecuteTask!.Exception!.GetBaseException().Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
                    }

                    return CsegApp.Failure;
                }
            }

            await output.WriteLineAsync("cseg serve: stopped").ConfigureAwait(false);
            return CsegApp.Success;
        });
        return command;
    }
}
