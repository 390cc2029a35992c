using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>Source field of an A-ASSOCIATE-RJ PDU.</summary>
public enum AssociateRejectSource
{
    /// <summary>DICOM UL service-user.</summary>
    ServiceUser = 1,

    /// <summary>DICOM UL service-provider (ACSE related function).</summary>
    ServiceProviderAcse = 2,

    /// <summary>DICOM UL service-provider (presentation related function).</summary>
    ServiceProviderPresentation = 3,
}
