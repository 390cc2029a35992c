namespace ContinualSegment.Node.Audit;

/// <summary>How an audited action ended.</summary>
public enum AuditOutcome
{
    /// <summary>It did what was asked.</summary>
    Success,

    /// <summary>It did not.</summary>
    Failure,

    /// <summary>It did, with a reservation (for example a retry scheduled).</summary>
    Warning,
}
