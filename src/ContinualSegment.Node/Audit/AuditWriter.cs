using System.Data;
using Dapper;

namespace ContinualSegment.Node.Audit;

/// <summary>Writes audit events, in the caller's transaction so that an event exists exactly when its change does.</summary>
public sealed class AuditWriter
{
    private readonly TimeProvider time;

    /// <summary>Creates a writer that stamps events with <paramref name="time"/>.</summary>
    public AuditWriter(TimeProvider? time = null)
    {
        this.time = time ?? TimeProvider.System;
    }

    /// <summary>Adds <paramref name="audit"/> in <paramref name="transaction"/>.</summary>
    public Task WriteAsync(IDbTransaction transaction, AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(audit);
        return transaction.Connection!.ExecuteAsync(new CommandDefinition(
            """
            insert into audit_events (at, actor, action, outcome, object_type, object_id, calling_ae, called_ae, peer, study_instance_uid, detail)
            values (@at, @Actor, @Action, @outcome, @ObjectType, @ObjectId, @CallingAe, @CalledAe, @Peer, @StudyInstanceUid, @Detail)
            """,
            new
            {
                at = time.GetUtcNow(),
                audit.Actor,
                audit.Action,
                outcome = OutcomeText(audit.Outcome),
                audit.ObjectType,
                audit.ObjectId,
                audit.CallingAe,
                audit.CalledAe,
                audit.Peer,
                audit.StudyInstanceUid,
                audit.Detail,
            },
            transaction,
            cancellationToken: cancellationToken));
    }

    /// <summary>The stored word for an outcome.</summary>
    public static string OutcomeText(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Success => "success",
        AuditOutcome.Failure => "failure",
        AuditOutcome.Warning => "warning",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "unknown audit outcome"),
    };
}
