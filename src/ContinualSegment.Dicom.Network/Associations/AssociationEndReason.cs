using ContinualSegment.Dicom.Network.Associations;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>How an association ended.</summary>
public enum AssociationEndReason
{
    /// <summary>Released normally (A-RELEASE-RQ/RP exchanged).</summary>
    Released,

    /// <summary>The association request was rejected (by either side).</summary>
    Rejected,

    /// <summary>Aborted by the local service user (A-ABORT sent), including timeouts and shutdown.</summary>
    LocalAbort,

    /// <summary>The peer sent an A-ABORT.</summary>
    PeerAbort,

    /// <summary>Provider abort: protocol error, unexpected transport close or write failure.</summary>
    ProviderAbort,
}
