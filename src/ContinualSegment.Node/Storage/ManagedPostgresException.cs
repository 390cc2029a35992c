namespace ContinualSegment.Node.Storage;

/// <summary>The managed PostgreSQL cluster could not be created, started or reached; the message says why and what to do.</summary>
public sealed class ManagedPostgresException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ManagedPostgresException()
    {
    }

    /// <summary>Creates the exception with its reason.</summary>
    public ManagedPostgresException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its reason and cause.</summary>
    public ManagedPostgresException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
