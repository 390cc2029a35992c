namespace ContinualSegment.Node.Audit;

/// <summary>
/// One audited event: who (actor: calling AE title, node process or administrator), what (action and object), when,
/// and the outcome. Patient names and IDs never go into an audit event's text.
/// </summary>
public sealed record AuditEvent(string Actor, string Action, AuditOutcome Outcome)
{
    /// <summary>The kind of object acted on (series, instance, job, delivery, association, decoder).</summary>
    public string ObjectType { get; init; } = string.Empty;

    /// <summary>The object's id (a UID, a job number, a destination).</summary>
    public string ObjectId { get; init; } = string.Empty;

    /// <summary>The calling AE title, where an association is involved.</summary>
    public string CallingAe { get; init; } = string.Empty;

    /// <summary>The called AE title, where an association is involved.</summary>
    public string CalledAe { get; init; } = string.Empty;

    /// <summary>The peer's address and port, where an association is involved.</summary>
    public string Peer { get; init; } = string.Empty;

    /// <summary>The study the event concerns, for filtering by study.</summary>
    public string StudyInstanceUid { get; init; } = string.Empty;

    /// <summary>Anything else worth keeping (a reason, a status, counts).</summary>
    public string Detail { get; init; } = string.Empty;
}
