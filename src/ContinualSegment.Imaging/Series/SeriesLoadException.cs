namespace ContinualSegment.Imaging.Series;

/// <summary>The files do not make a loadable image series; the message says why.</summary>
public sealed class SeriesLoadException : Exception
{
    public SeriesLoadException()
    {
    }

    public SeriesLoadException(string message)
        : base(message)
    {
    }

    public SeriesLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
