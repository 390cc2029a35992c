using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>Reason/diagnostic field of an A-ABORT PDU; significant only for a service-provider source.</summary>
public enum AbortReason
{
    /// <summary>Reason not specified.</summary>
    NotSpecified = 0,

    /// <summary>Unrecognized PDU.</summary>
    UnrecognizedPdu = 1,

    /// <summary>Unexpected PDU.</summary>
    UnexpectedPdu = 2,

    /// <summary>Reserved value.</summary>
    Reserved = 3,

    /// <summary>Unrecognized PDU parameter.</summary>
    UnrecognizedPduParameter = 4,

    /// <summary>Unexpected PDU parameter.</summary>
    UnexpectedPduParameter = 5,

    /// <summary>Invalid PDU parameter value.</summary>
    InvalidPduParameterValue = 6,
}
