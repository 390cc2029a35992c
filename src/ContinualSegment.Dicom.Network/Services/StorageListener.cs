using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Services;

namespace ContinualSegment.Dicom.Network.Services;

/// <summary>
/// A bare storage SCP: C-ECHO, and C-STORE of every storage SOP class written as OutputDirectory/SOPInstanceUID.dcm.
/// Associations and refused connections are reported through <see cref="StorageListenerOptions.Observer"/>, stored
/// instances through <see cref="StorageListenerOptions.InstanceStored"/>.
/// </summary>
public sealed class StorageListener : IAsyncDisposable
{
    private readonly DimseServer server;

    /// <summary>Creates the listener (not yet listening).</summary>
    public StorageListener(StorageListenerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var instanceStored = options.InstanceStored;
        var scp = new StorageScp(new StorageScpOptions
        {
            OutputDirectory = options.OutputDirectory,
            Fsync = options.Fsync,
            InstanceStored = instanceStored is null ? null : (context, path, _) =>
            {
                instanceStored(new StoredInstance(
                    path, context.CallingAeTitle, context.CalledAeTitle, context.RemoteEndPoint, context.SopClassUid, context.SopInstanceUid, context.TransferSyntaxUid));
                return ValueTask.CompletedTask;
            },
        });
        OutputDirectory = scp.OutputDirectory;
        server = new DimseServer(
            new DimseServerOptions
            {
                Server = new UpperLayerServerOptions
                {
                    BindAddress = options.BindAddress,
                    Port = options.Port,
                    MaxAssociations = options.MaxAssociations,
                    Tls = options.Tls,
                    Association = new UpperLayerOptions { Observer = options.Observer, LoggerFactory = options.LoggerFactory },
                },
                TempDirectory = Path.Combine(scp.OutputDirectory, ".incoming"),
            },
            DicomAcceptancePolicies.Storage(options.AeTitle, options.TransferSyntaxes, options.TransferSyntaxPreference),
            scp);
    }

    /// <summary>The bound port (valid after <see cref="Start"/>).</summary>
    public int Port => server.Port;

    /// <summary>The full path of the output directory.</summary>
    public string OutputDirectory { get; }

    /// <summary>Binds and starts accepting associations.</summary>
    public void Start() => server.Start();

    /// <summary>Stops accepting and lets in-flight associations finish within <paramref name="gracePeriod"/>.</summary>
    public Task StopAsync(TimeSpan gracePeriod, CancellationToken cancellationToken) => server.StopAsync(gracePeriod, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => server.DisposeAsync();
}
