using Dapper;
using Npgsql;

namespace ContinualSegment.Node.Audit;

/// <summary>Reads the audit trail.</summary>
public static class AuditLog
{
    /// <summary>The events matching <paramref name="filter"/>, newest first.</summary>
    public static async Task<IReadOnlyList<AuditRecord>> ListAsync(NpgsqlDataSource dataSource, AuditFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(filter);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rows = await connection.QueryAsync<(long Id, DateTime At, string Actor, string Action, string Outcome, string ObjectType, string ObjectId, string CallingAe, string CalledAe, string Peer, string Study, string Detail)>(new CommandDefinition(
                """
                select id, at, actor, action, outcome, object_type, object_id, calling_ae, called_ae, peer, study_instance_uid, detail
                from audit_events
                where (@since::timestamptz is null or at >= @since) and (@until::timestamptz is null or at < @until)
                  and (@ae::text is null or calling_ae = @ae or called_ae = @ae or actor = @ae)
                  and (@study::text is null or study_instance_uid = @study)
                order by id desc limit @limit
                """,
                new { since = filter.Since, until = filter.Until, ae = filter.AeTitle, study = filter.StudyInstanceUid, limit = filter.Limit },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(r => new AuditRecord(r.Id, new DateTimeOffset(DateTime.SpecifyKind(r.At, DateTimeKind.Utc)), r.Actor, r.Action, r.Outcome, r.ObjectType, r.ObjectId, r.CallingAe, r.CalledAe, r.Peer, r.Study, r.Detail)).ToList();
        }
    }
}
