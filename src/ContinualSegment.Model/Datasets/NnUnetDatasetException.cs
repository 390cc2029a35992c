namespace ContinualSegment.Model.Datasets;

/// <summary>An nnU-Net dataset folder is missing files or its dataset.json is invalid.</summary>
public sealed class NnUnetDatasetException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NnUnetDatasetException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public NnUnetDatasetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public NnUnetDatasetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
