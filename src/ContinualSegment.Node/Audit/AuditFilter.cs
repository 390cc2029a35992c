namespace ContinualSegment.Node.Audit;

/// <summary>Which audit events to list: a time window, an AE title (calling or called), a study; newest first.</summary>
public sealed record AuditFilter
{
    /// <summary>Events at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Events before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Events whose calling or called AE title (or actor) is this.</summary>
    public string? AeTitle { get; init; }

    /// <summary>Events of this study.</summary>
    public string? StudyInstanceUid { get; init; }

    /// <summary>At most this many.</summary>
    public int Limit { get; init; } = 100;
}
