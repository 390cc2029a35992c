using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>
/// A PDU read from the wire is malformed, unrecognized or too large. <see cref="Reason"/> is the A-ABORT
/// diagnostic to report; <see cref="FramingLost"/> tells whether the stream is no longer aligned on PDU boundaries.
/// </summary>
public sealed class PduFormatException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public PduFormatException()
        : this("Malformed PDU.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public PduFormatException(string message)
        : this(message, AbortReason.InvalidPduParameterValue, framingLost: false)
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    public PduFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = AbortReason.InvalidPduParameterValue;
    }

    /// <summary>Creates the exception with an A-ABORT diagnostic.</summary>
    public PduFormatException(string message, AbortReason reason, bool framingLost)
        : base(message)
    {
        Reason = reason;
        FramingLost = framingLost;
    }

    /// <summary>The A-ABORT reason that describes the fault.</summary>
    public AbortReason Reason { get; }

    /// <summary>True when the PDU boundaries of the stream are lost (bad header or oversized PDU).</summary>
    public bool FramingLost { get; }
}
