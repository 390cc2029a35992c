using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>Source field of an A-ABORT PDU (PS3.8 Table 9-26).</summary>
public enum AbortSource
{
    /// <summary>DICOM UL service-user (initiated abort).</summary>
    ServiceUser = 0,

    /// <summary>Reserved value.</summary>
    Reserved = 1,

    /// <summary>DICOM UL service-provider (initiated abort).</summary>
    ServiceProvider = 2,
}
