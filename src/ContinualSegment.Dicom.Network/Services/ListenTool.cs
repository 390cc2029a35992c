using System.Globalization;

namespace ContinualSegment.Dicom.Network;

/// <summary>
/// <c>cseg dicom listen</c>: a bare storage SCP (C-ECHO, C-STORE of every storage SOP class) writing each received
/// instance as DIR/SOPInstanceUID.dcm until cancelled. Data sets are received into DIR/.incoming.
/// </summary>
public static class ListenTool
{
    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; returns 0 after a clean stop.</summary>
    public static async Task<int> RunAsync(ListenToolOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);

        // One line per instance, association decision or refused connection, written on the association's own thread:
        // a lock held only for the write, so a busy moment on another association never turns into a thread-pool hop.
        var writeLock = new Lock();
        void Report(string line)
        {
            lock (writeLock)
            {
                output.WriteLine(line);
            }
        }

        var scp = new StorageScp(new StorageScpOptions
        {
            OutputDirectory = options.OutputDirectory,
            Fsync = options.Fsync,
            InstanceStored = (context, path, ct) =>
            {
                Report($"Stored {path} from {context.CallingAeTitle} ({context.TransferSyntaxUid})");
                return ValueTask.CompletedTask;
            },
        });
        var server = new DimseServer(
            new DimseServerOptions
            {
                Server = new UpperLayerServerOptions
                {
                    BindAddress = options.BindAddress,
                    Port = options.Port,
                    MaxAssociations = options.MaxAssociations,
                    Tls = options.Tls,
                    Association = new UpperLayerOptions { Observer = new RefusalReporter(Report) },
                },
                TempDirectory = Path.Combine(scp.OutputDirectory, ".incoming"),
            },
            new ReportingAcceptor(new AssociationNegotiator(DicomAcceptancePolicies.Storage(options.AeTitle)), Report),
            scp);
        await using (server.ConfigureAwait(false))
        {
            server.Start();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Listening as {options.AeTitle} on port {server.Port}{(options.Tls is null ? string.Empty : " (DICOM TLS)")}, writing to {scp.OutputDirectory}")).ConfigureAwait(false);
            options.Started?.Invoke(server.Port);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stop requested.
            }

            await server.StopAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Reports each connection refused before the acceptor policy saw it; decisions are reported by the acceptor.</summary>
    private sealed class RefusalReporter(Action<string> report) : IAssociationObserver
    {
        public void OnAccepted(AssociationAccepted accepted)
        {
        }

        public void OnRejected(AssociationRejected rejected)
        {
        }

        public void OnReleased(AssociationReleased released)
        {
        }

        public void OnAborted(AssociationAborted aborted)
        {
        }

        public void OnConnectionRefused(ConnectionRefusal refusal) =>
            report($"Refused a connection from {refusal.RemoteEndPoint?.ToString() ?? "an unknown peer"}: {refusal.Reason}");
    }
}
