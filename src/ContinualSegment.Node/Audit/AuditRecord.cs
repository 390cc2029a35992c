namespace ContinualSegment.Node.Audit;

/// <summary>One stored audit event.</summary>
public sealed record AuditRecord(long Id, DateTimeOffset At, string Actor, string Action, string Outcome, string ObjectType, string ObjectId, string CallingAe, string CalledAe, string Peer, string StudyInstanceUid, string Detail);
