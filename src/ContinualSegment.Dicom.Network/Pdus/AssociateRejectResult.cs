using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>Result field of an A-ASSOCIATE-RJ PDU.</summary>
public enum AssociateRejectResult
{
    /// <summary>Rejected (permanent).</summary>
    Permanent = 1,

    /// <summary>Rejected (transient).</summary>
    Transient = 2,
}
