using System.Net;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Tls;
using ContinualSegment.Node.Audit;
using ContinualSegment.Node.Hosting;
using ContinualSegment.Node.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContinualSegment.Node.Ingest;

/// <summary>The ingest role: the DICOM listener (C-ECHO, C-STORE) writing into storage and the database.</summary>
public sealed class IngestService : IHostedService, IAsyncDisposable
{
    private readonly NodeDatabase database;
    private readonly DicomListenerOptions listener;
    private readonly StorageOptions storage;
    private readonly IngestOptions ingest;
    private readonly IFreeSpace freeSpace;
    private readonly TimeProvider time;
    private readonly ILoggerFactory loggers;
    private readonly ILogger logger;
    private readonly IReadOnlyList<IStoredSeriesObserver> observers;
    private InstanceRecorder? recorder;
    private AssociationAuditor? auditor;
    private DimseServer? server;

    /// <summary>Creates the service; it listens once started.</summary>
    public IngestService(NodeDatabase database, IOptions<DicomListenerOptions> listener, IOptions<StorageOptions> storage, IOptions<IngestOptions> ingest, IFreeSpace freeSpace, TimeProvider time, ILoggerFactory loggers, IEnumerable<IStoredSeriesObserver> observers)
    {
        ArgumentNullException.ThrowIfNull(observers);
        this.observers = [.. observers];
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(ingest);
        ArgumentNullException.ThrowIfNull(loggers);
        this.database = database;
        this.listener = listener.Value;
        this.storage = storage.Value;
        this.ingest = ingest.Value;
        this.freeSpace = freeSpace;
        this.time = time;
        this.loggers = loggers;
        logger = loggers.CreateLogger<IngestService>();
    }

    /// <summary>The port the listener is bound to (after start).</summary>
    public int Port => server?.Port ?? 0;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recorder = new InstanceRecorder(database.DataSource, ingest, time, loggers.CreateLogger<InstanceRecorder>());
        auditor = new AssociationAuditor(database.DataSource, time, loggers.CreateLogger<AssociationAuditor>());
        var handler = new IngestStoreHandler(storage, ingest, recorder, freeSpace, loggers.CreateLogger<IngestStoreHandler>(), observers);
        DicomTlsOptions? tls = null;
        if (listener.Tls.Enabled)
        {
            tls = new DicomTlsOptions
            {
                CertificateFile = listener.Tls.CertificateFile,
                PrivateKeyFile = listener.Tls.KeyFile,
                TrustedCaFile = string.IsNullOrEmpty(listener.Tls.CaFile) ? null : listener.Tls.CaFile,
                ClientCertificates = listener.Tls.RequireClientCertificate ? DicomTlsClientCertificateMode.Required : DicomTlsClientCertificateMode.Optional,
            };
        }

        server = new DimseServer(
            new DimseServerOptions
            {
                Server = new UpperLayerServerOptions
                {
                    BindAddress = IPAddress.Parse(listener.BindAddress),
                    Port = listener.Port,
                    MaxAssociations = listener.MaxAssociations,
                    Tls = tls,
                    Association = new UpperLayerOptions { Observer = auditor, LoggerFactory = loggers, TimeProvider = time },
                },
                TempDirectory = Path.Combine(Path.GetFullPath(storage.Root), "instances"),
            },
            new NodeAcceptor(listener, ingest),
            handler);
        server.Start();
        Log.Listening(logger, listener.AeTitle, server.Port, tls is not null);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server is not null)
        {
            // Stores in flight finish (or fail cleanly) within the grace period; new associations are refused.
            await server.StopAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }

        await DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            server = null;
        }

        if (recorder is not null)
        {
            await recorder.DisposeAsync().ConfigureAwait(false);
            recorder = null;
        }

        if (auditor is not null)
        {
            await auditor.DisposeAsync().ConfigureAwait(false);
            auditor = null;
        }
    }
}
