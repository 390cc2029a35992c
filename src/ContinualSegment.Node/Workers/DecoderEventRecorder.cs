using System.Globalization;
using ContinualSegment.Node.Audit;
using ContinualSegment.Node.Storage;
using Dapper;
using Npgsql;

namespace ContinualSegment.Node.Workers;

/// <summary>
/// Records a change to a model directory's decoders (installed, enabled, disabled, removed, exported) for a running
/// node: a <c>decoder_events</c> row and an audit event in one transaction, with a NOTIFY on <see cref="Channel"/> that
/// makes the workers reload their model before their next job. The change itself runs inside the transaction: when
/// it fails nothing is recorded; when it succeeds the row, the audit event and the notification commit together (or,
/// should the database fail after the change, <see cref="DecoderEventException"/> says that the change stands unrecorded).
/// </summary>
public sealed class DecoderEventRecorder
{
    /// <summary>The NOTIFY channel the workers listen on for decoder changes.</summary>
    public const string Channel = "cseg_decoders";

    private readonly NpgsqlDataSource dataSource;
    private readonly TimeProvider time;
    private readonly AuditWriter audit;

    /// <summary>Creates the recorder.</summary>
    public DecoderEventRecorder(NpgsqlDataSource dataSource, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        this.dataSource = dataSource;
        this.time = time ?? TimeProvider.System;
        audit = new AuditWriter(this.time);
    }

    /// <summary>
    /// Runs <paramref name="change"/> and records it as <paramref name="action"/> by <paramref name="actor"/>.
    /// </summary>
    /// <param name="action">installed, enabled, disabled, removed or exported.</param>
    /// <param name="actor">Who made the change.</param>
    /// <param name="change">The change; it returns the decoder and a detail line.</param>
    /// <param name="cancellationToken">Cancels the change and the recording.</param>
    /// <returns>What the change returned.</returns>
    public async Task<DecoderChange> RecordAsync(string action, string actor, Func<CancellationToken, Task<DecoderChange>> change, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(action);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        ArgumentNullException.ThrowIfNull(change);
        if (action is not ("installed" or "enabled" or "disabled" or "removed" or "exported"))
        {
            throw new ArgumentOutOfRangeException(nameof(action), action, "not a decoder event");
        }

        var (connection, transaction) = await Db.BeginAsync(dataSource, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        await using (transaction.ConfigureAwait(false))
        {
            var done = await change(cancellationToken).ConfigureAwait(false);
            try
            {
                var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "insert into decoder_events (at, decoder_id, action, actor, detail) values (@at, @DecoderId, @action, @actor, @Detail) returning id",
                    new { at = time.GetUtcNow(), done.DecoderId, action, actor, done.Detail },
                    transaction,
                    cancellationToken: CancellationToken.None)).ConfigureAwait(false);
                await audit.WriteAsync(transaction, new AuditEvent(actor, "decoder." + action, AuditOutcome.Success) { ObjectType = "decoder", ObjectId = done.DecoderId, Detail = done.Detail }, CancellationToken.None).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(
                    "select pg_notify(@channel, @payload)",
                    new { channel = Channel, payload = id.ToString(CultureInfo.InvariantCulture) },
                    transaction,
                    cancellationToken: CancellationToken.None)).ConfigureAwait(false);
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                throw new DecoderEventException($"decoder '{done.DecoderId}' was {action} in the model directory, but the node's database could not record it ({ex.Message.ReplaceLineEndings(" ")}); the change stands and the node's workers see it from the model directory", ex);
            }

            return done;
        }
    }
}
