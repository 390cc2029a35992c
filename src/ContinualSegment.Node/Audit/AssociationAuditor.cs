using System.Globalization;
using System.Threading.Channels;
using ContinualSegment.Dicom.Network.Associations;
using ContinualSegment.Dicom.Network.Dimse;
using ContinualSegment.Dicom.Network.Pdus;
using ContinualSegment.Dicom.Network.Server;
using ContinualSegment.Dicom.Network.Tls;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ContinualSegment.Node.Audit;

/// <summary>
/// Turns association events (accepted, rejected, released, aborted, refused connections) into audit events. The
/// observer is called on the association's own thread, so events are queued and written by one background writer;
/// none is dropped unless the node stops before it is written.
/// </summary>
public sealed class AssociationAuditor : IAssociationObserver, IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly AuditWriter writer;
    private readonly ILogger logger;
    private readonly Channel<AuditEvent> queue = Channel.CreateUnbounded<AuditEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task loop;
    private long accepted;
    private long rejected;

    /// <summary>Creates the auditor and starts its writer.</summary>
    public AssociationAuditor(NpgsqlDataSource dataSource, TimeProvider? time = null, ILogger<AssociationAuditor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
        writer = new AuditWriter(time);
        this.logger = logger ?? NullLogger<AssociationAuditor>.Instance;
        loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Associations accepted since start.</summary>
    public long Accepted => Interlocked.Read(ref accepted);

    /// <summary>Associations rejected since start.</summary>
    public long Rejected => Interlocked.Read(ref rejected);

    /// <inheritdoc />
    public void OnAccepted(AssociationAccepted accepted)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        Interlocked.Increment(ref this.accepted);
        Enqueue(accepted, "association.accepted", AuditOutcome.Success, string.Create(CultureInfo.InvariantCulture, $"{accepted.AcceptedContexts} of {accepted.ProposedContexts} presentation contexts accepted"));
    }

    /// <inheritdoc />
    public void OnRejected(AssociationRejected rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        Interlocked.Increment(ref this.rejected);
        var reason = AssociateRejectReasons.Describe(rejected.Rejection.Result, rejected.Rejection.Source, rejected.Rejection.Reason);
        Enqueue(rejected, "association.rejected", AuditOutcome.Failure, reason);
    }

    /// <inheritdoc />
    public void OnReleased(AssociationReleased released)
    {
        ArgumentNullException.ThrowIfNull(released);
        var t = released.Traffic;
        Enqueue(released, "association.released", AuditOutcome.Success, string.Create(CultureInfo.InvariantCulture, $"received {t.PdusReceived} PDUs / {t.BytesReceived} bytes, sent {t.PdusSent} PDUs / {t.BytesSent} bytes"));
    }

    /// <inheritdoc />
    public void OnAborted(AssociationAborted aborted)
    {
        ArgumentNullException.ThrowIfNull(aborted);
        Enqueue(aborted, "association.aborted", AuditOutcome.Failure, aborted.Reason.ToString());
    }

    /// <inheritdoc />
    public void OnConnectionRefused(ConnectionRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        queue.Writer.TryWrite(new AuditEvent(refusal.RemoteEndPoint?.ToString() ?? "unknown", "connection.refused", AuditOutcome.Failure)
        {
            ObjectType = "connection",
            Peer = refusal.RemoteEndPoint?.ToString() ?? string.Empty,
            Detail = refusal.Reason,
        });
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
    }

    private void Enqueue(AssociationEvent e, string action, AuditOutcome outcome, string detail)
    {
        if (e.IsRequestor)
        {
            return;
        }

        queue.Writer.TryWrite(new AuditEvent(e.CallingAeTitle, action, outcome)
        {
            ObjectType = "association",
            CallingAe = e.CallingAeTitle,
            CalledAe = e.CalledAeTitle,
            Peer = e.RemoteEndPoint?.ToString() ?? string.Empty,
            Detail = detail,
        });
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<AuditEvent>();
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < 256 && queue.Reader.TryRead(out var e))
            {
                batch.Add(e);
            }

            try
            {
                var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        foreach (var e in batch)
                        {
                            await writer.WriteAsync(transaction, e, CancellationToken.None).ConfigureAwait(false);
                        }

                        await transaction.CommitAsync().ConfigureAwait(false);
                    }
                }
            }
            catch (NpgsqlException ex)
            {
                Log.AuditWriteFailed(logger, batch.Count, ex.Message);
            }
        }
    }
}
