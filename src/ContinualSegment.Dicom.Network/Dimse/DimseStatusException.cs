using ContinualSegment.Dicom.Network.Dimse;

namespace ContinualSegment.Dicom.Network.Dimse;

/// <summary>An operation ended with a failure (or cancel) status from the peer.</summary>
public sealed class DimseStatusException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DimseStatusException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DimseStatusException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public DimseStatusException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a status.</summary>
    public DimseStatusException(DimseStatus status, string? errorComment)
        : base($"The peer answered {status}" + (string.IsNullOrEmpty(errorComment) ? "." : $": {errorComment}"))
    {
        Status = status;
        ErrorComment = errorComment;
    }

    /// <summary>The status received.</summary>
    public DimseStatus Status { get; }

    /// <summary>The peer's error comment (0000,0902), if any.</summary>
    public string? ErrorComment { get; }
}
