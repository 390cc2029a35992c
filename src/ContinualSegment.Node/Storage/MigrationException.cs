namespace ContinualSegment.Node.Storage;

/// <summary>The database schema cannot be brought to this node's version; the message says why.</summary>
public sealed class MigrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MigrationException()
    {
    }

    /// <summary>Creates the exception with its reason.</summary>
    public MigrationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its reason and cause.</summary>
    public MigrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
