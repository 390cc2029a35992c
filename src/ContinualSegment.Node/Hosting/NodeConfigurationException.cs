namespace ContinualSegment.Node.Hosting;

/// <summary>The configuration has problems; <see cref="Problems"/> lists each on its own line, naming its key.</summary>
public sealed class NodeConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NodeConfigurationException()
        : this([])
    {
    }

    /// <summary>Creates the exception with one problem.</summary>
    public NodeConfigurationException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception with one problem and its cause.</summary>
    public NodeConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception with every problem found.</summary>
    public NodeConfigurationException(IReadOnlyList<string> problems)
        : base(problems is { Count: > 0 } ? $"the configuration has {problems.Count} problem(s): {string.Join("; ", problems)}" : "the configuration is not valid")
    {
        Problems = problems ?? [];
    }

    /// <summary>Each problem, naming its key.</summary>
    public IReadOnlyList<string> Problems { get; }
}
