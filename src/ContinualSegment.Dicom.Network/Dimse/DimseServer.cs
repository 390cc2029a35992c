using ContinualSegment.Dicom.Network.Acse;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Storage;
using Microsoft.Extensions.Logging;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>
/// A DIMSE service provider on a TCP port: the <see cref="AcceptancePolicy"/> decides on associations and
/// contexts; C-ECHO is answered; C-STORE data sets are streamed to temporary files and handed to the store handler.
/// </summary>
public sealed class DimseServer : IAsyncDisposable
{
    private readonly UpperLayerServer server;

    /// <summary>Creates the server (not yet listening).</summary>
    public DimseServer(DimseServerOptions options, AcceptancePolicy policy, IDicomStoreHandler? storeHandler)
        : this(options, new AssociationNegotiator(policy ?? throw new ArgumentNullException(nameof(policy))), storeHandler)
    {
    }

    /// <summary>Creates the server with a custom acceptor.</summary>
    public DimseServer(DimseServerOptions options, IAssociationAcceptor acceptor, IDicomStoreHandler? storeHandler)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(acceptor);
        options.Validate();
        var files = new ReceivedFileFactory(options.TempDirectory ?? Path.GetTempPath());
        var logger = options.Server.Association.LoggerFactory.CreateLogger<DimseServer>();
        server = new UpperLayerServer(options.Server, acceptor, a => new DimseServiceProvider(a, storeHandler, options, files, logger));
    }

    /// <summary>The bound port (valid after <see cref="Start"/>).</summary>
    public int Port => server.Port;

    /// <summary>The underlying upper layer server.</summary>
    public UpperLayerServer UpperLayer => server;

    /// <summary>Binds and starts accepting associations.</summary>
    public void Start() => server.Start();

    /// <summary>Stops accepting and lets in-flight associations finish within <paramref name="gracePeriod"/>.</summary>
    public Task StopAsync(TimeSpan gracePeriod, CancellationToken cancellationToken) => server.StopAsync(gracePeriod, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => server.DisposeAsync();
}
