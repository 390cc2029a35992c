namespace ContinualSegment.Node.Scheduling;

/// <summary>What one retention round removed.</summary>
public sealed record RetentionResult
{
    /// <summary>Series whose received instances were removed.</summary>
    public int Series { get; init; }

    /// <summary>Jobs whose result files were removed.</summary>
    public int Jobs { get; init; }

    /// <summary>Files removed.</summary>
    public int Files { get; init; }

    /// <summary>Bytes those files held (as recorded).</summary>
    public long Bytes { get; init; }

    /// <summary>The sum of two rounds' figures.</summary>
    public RetentionResult Add(RetentionResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new RetentionResult { Series = Series + other.Series, Jobs = Jobs + other.Jobs, Files = Files + other.Files, Bytes = Bytes + other.Bytes };
    }
}
