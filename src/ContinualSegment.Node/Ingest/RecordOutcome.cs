namespace ContinualSegment.Node.Ingest;

/// <summary>What recording an instance did.</summary>
public enum RecordOutcome
{
    /// <summary>A new instance row (and its series counted).</summary>
    Stored,

    /// <summary>The instance was known already: no second row, no new series content.</summary>
    Duplicate,
}
