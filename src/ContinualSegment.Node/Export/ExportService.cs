using System.Globalization;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Tls;
using ContinualSegment.Node.Hosting;
using ContinualSegment.Node.Queue;
using ContinualSegment.Node.Storage;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ContinualSegment.Node.Export;

/// <summary>
/// The export role: sends each due delivery's result files by C-STORE (one association per delivery) and records the
/// outcome; a failed attempt is retried with back-off until the give-up time, then dead-lettered. Retries send the same
/// files, so the destination sees the same SOP Instance UIDs every time.
/// </summary>
public sealed class ExportService : BackgroundService
{
    private readonly NodeDatabase database;
    private readonly NodeOptions node;
    private readonly ExportOptions options;
    private readonly StorageOptions storage;
    private readonly IReadOnlyDictionary<string, DestinationOptions> destinations;
    private readonly TimeProvider time;
    private readonly ILoggerFactory loggers;
    private readonly ILogger logger;

    /// <summary>Creates the service.</summary>
    public ExportService(NodeDatabase database, IOptions<NodeOptions> node, IOptions<ExportOptions> options, IOptions<StorageOptions> storage, IReadOnlyDictionary<string, DestinationOptions> destinations, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(loggers);
        this.database = database;
        this.node = node.Value;
        this.options = options.Value;
        this.storage = storage.Value;
        this.destinations = destinations;
        this.time = time;
        this.loggers = loggers;
        logger = loggers.CreateLogger<ExportService>();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = new DeliveryQueue(database.DataSource, options, time);
        var owner = node.EffectiveName;
        var associations = new ExportAssociations(options.AssociationIdleTime, time);
        await using var heldAssociations = associations.ConfigureAwait(false);
        var signal = await WorkSignal.ListenAsync(database.DataSource, DeliveryQueue.Channel, stoppingToken).ConfigureAwait(false);
        await using (signal.ConfigureAwait(false))
        {
            await signal.RunAsync(
                ct => queue.ClaimAsync(owner, ct),
                delivery => SendAsync(queue, associations, delivery, owner, stoppingToken),
                options.PollInterval,
                time,
                ex => Log.ClaimFailed(logger, ex.Message),
                (delivery, ex) => Log.DeliveryNotSettled(logger, delivery.Id, ex),
                stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(DeliveryQueue queue, ExportAssociations associations, DueDelivery delivery, string owner, CancellationToken stoppingToken)
    {
        if (!destinations.TryGetValue(delivery.Destination, out var destination))
        {
            await queue.FailedAsync(delivery, owner, $"destination '{delivery.Destination}' is no longer configured", CancellationToken.None).ConfigureAwait(false);
            return;
        }

        if (delivery.RelativePaths.Count == 0)
        {
            await queue.FailedAsync(delivery, owner, "the job has no result files to send", CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var paths = delivery.RelativePaths.Select(p => Path.Combine(Path.GetFullPath(storage.Root), p)).ToList();

        // The lease is renewed while the files go out; when it is lost (another exporter has the delivery now) the send stops.
        using var lost = new CancellationTokenSource();
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lost.Token);
        using var keeping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var lease = LeaseKeeper.KeepAsync(
            ct => queue.RenewAsync(delivery, owner, ct),
            TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, options.LeaseDuration.Ticks / 4)),
            options.LeaseDuration,
            time,
            lost.Cancel,
            ex => Log.LeaseRenewalFailed(logger, delivery.Id, ex.Message),
            keeping.Token);
        try
        {
            await SendUnderLeaseAsync(queue, associations, delivery, destination, owner, paths, sending.Token, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await keeping.CancelAsync().ConfigureAwait(false);
            await lease.ConfigureAwait(false);
        }
    }

    private async Task SendUnderLeaseAsync(DeliveryQueue queue, ExportAssociations associations, DueDelivery delivery, DestinationOptions destination, string owner, List<string> paths, CancellationToken sendingToken, CancellationToken stoppingToken)
    {
        try
        {
            var (results, reused) = await associations.SendAsync(
                delivery.Destination,
                new DicomClientOptions
                {
                    Host = destination.Host,
                    Port = destination.Port,
                    CallingAeTitle = options.CallingAeTitle,
                    CalledAeTitle = destination.AeTitle,
                    Tls = destination.Tls.ToClientOptions(),
                    UpperLayer = new UpperLayerOptions { LoggerFactory = loggers, TimeProvider = time },
                },
                paths,
                sendingToken).ConfigureAwait(false);
            var failed = results.Where(r => !r.Succeeded).ToList();
            if (failed.Count == 0)
            {
                await queue.DeliveredAsync(delivery, owner, string.Create(CultureInfo.InvariantCulture, $"{results.Count} instance(s) to {destination.AeTitle}@{destination.Host}:{destination.Port}{(reused ? " (association reused)" : string.Empty)}"), CancellationToken.None).ConfigureAwait(false);
                Log.Delivered(logger, delivery.Id, delivery.Destination, results.Count);
                return;
            }

            var reason = string.Join("; ", failed.Select(f => f.Error ?? $"status {f.Status?.Code:X4}"));
            var state = await queue.FailedAsync(delivery, owner, reason, CancellationToken.None).ConfigureAwait(false);
            Log.DeliveryFailed(logger, delivery.Id, delivery.Destination, delivery.Attempt, state, reason);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or AssociationRejectedException or AssociationAbortedException or DimseProtocolException or TimeoutException or System.Security.Authentication.AuthenticationException or DicomTlsConfigurationException)
        {
            var state = await queue.FailedAsync(delivery, owner, ex.Message.ReplaceLineEndings(" "), CancellationToken.None).ConfigureAwait(false);
            Log.DeliveryFailed(logger, delivery.Id, delivery.Destination, delivery.Attempt, state, ex.Message);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the delivery goes back untried, due at once for whichever exporter runs next.
            await queue.ReleaseAsync(delivery, owner, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (sendingToken.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            // The lease was lost: another exporter has the delivery now and settles it; this one leaves it alone.
            Log.DeliveryLeaseLost(logger, delivery.Id, delivery.Destination);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Unforeseen (a cancellation that is not the exporter's own included): this delivery fails (retried as any other failure) and says why; the node goes on sending.
            var state = await queue.FailedAsync(delivery, owner, $"unexpected {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}", CancellationToken.None).ConfigureAwait(false);
            Log.DeliveryFailedUnexpectedly(logger, delivery.Id, delivery.Destination, delivery.Attempt, state, ex);
        }
    }
}
