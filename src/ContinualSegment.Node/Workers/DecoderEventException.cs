namespace ContinualSegment.Node.Workers;

/// <summary>
/// A decoder change was made in the model directory but could not be recorded in the node's database. The change
/// stands (the workers also see it from the directory's stamp); only its <c>decoder_events</c> row, audit event and
/// notification are missing.
/// </summary>
public sealed class DecoderEventException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DecoderEventException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DecoderEventException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the database's error.</summary>
    public DecoderEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
