namespace ContinualSegment.Dicom.Network;

/// <summary>Result field of an A-ASSOCIATE-RJ PDU.</summary>
public enum AssociateRejectResult
{
    /// <summary>Rejected (permanent).</summary>
    Permanent = 1,

    /// <summary>Rejected (transient).</summary>
    Transient = 2,
}
