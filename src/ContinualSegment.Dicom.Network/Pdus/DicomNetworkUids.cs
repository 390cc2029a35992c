using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>UIDs the upper layer itself needs.</summary>
public static class DicomNetworkUids
{
    /// <summary>DICOM application context name.</summary>
    public const string ApplicationContext = "1.2.840.10008.3.1.1.1";
}
