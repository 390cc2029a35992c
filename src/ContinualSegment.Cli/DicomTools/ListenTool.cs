using System.Globalization;
using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Services;

namespace ContinualSegment.Cli.DicomTools;

/// <summary>
/// <c>cseg dicom listen</c>: a <see cref="StorageListener"/> writing each received instance as DIR/SOPInstanceUID.dcm
/// until cancelled, with one line per association decision, refused connection and stored instance.
/// </summary>
internal static class ListenTool
{
    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; returns 0 after a clean stop.</summary>
    public static async Task<int> RunAsync(ListenToolOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var reporter = new ListenReporter(output);
        var listener = new StorageListener(new StorageListenerOptions
        {
            AeTitle = options.AeTitle,
            Port = options.Port,
            OutputDirectory = options.OutputDirectory,
            Fsync = options.Fsync,
            BindAddress = options.BindAddress,
            MaxAssociations = options.MaxAssociations,
            Tls = options.Tls,
            TransferSyntaxes = options.TransferSyntaxes.Count == 0 ? null : options.TransferSyntaxes,
            TransferSyntaxPreference = options.TransferSyntaxes.Count == 0 ? TransferSyntaxPreference.FirstProposed : TransferSyntaxPreference.Ours,
            Observer = reporter,
            InstanceStored = reporter.OnStored,
        });
        await using (listener.ConfigureAwait(false))
        {
            listener.Start();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Listening as {options.AeTitle} on port {listener.Port}{(options.Tls is null ? string.Empty : " (DICOM TLS)")}, writing to {listener.OutputDirectory}")).ConfigureAwait(false);
            options.Started?.Invoke(listener.Port);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stop requested.
            }

            await listener.StopAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
        }

        return CsegApp.Success;
    }
}
