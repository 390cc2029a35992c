namespace ContinualSegment.Dicom;

/// <summary>Internal signal: a partial buffer ended before the element being read; the caller reads more and retries.</summary>
internal sealed class NeedMoreDataException : Exception
{
    public NeedMoreDataException()
        : base("More data is needed.")
    {
    }

    public NeedMoreDataException(string message)
        : base(message)
    {
    }

    public NeedMoreDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
