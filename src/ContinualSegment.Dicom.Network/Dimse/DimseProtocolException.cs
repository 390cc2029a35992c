using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>A malformed or unexpected DIMSE message.</summary>
public sealed class DimseProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DimseProtocolException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DimseProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public DimseProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
