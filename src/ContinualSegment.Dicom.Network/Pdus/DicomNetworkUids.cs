namespace ContinualSegment.Dicom.Network;

/// <summary>UIDs the upper layer itself needs.</summary>
public static class DicomNetworkUids
{
    /// <summary>DICOM application context name.</summary>
    public const string ApplicationContext = "1.2.840.10008.3.1.1.1";

    /// <summary>Verification SOP class.</summary>
    public const string Verification = "1.2.840.10008.1.1";

    /// <summary>Implicit VR little endian transfer syntax.</summary>
    public const string ImplicitVrLittleEndian = "1.2.840.10008.1.2";

    /// <summary>Explicit VR little endian transfer syntax.</summary>
    public const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";

    /// <summary>Implementation class UID of this toolkit (same value as ContinualSegment.Dicom writes).</summary>
    public const string ImplementationClassUid = "2.25.74336649919497974837249463467771267312";

    /// <summary>Implementation version name of this implementation.</summary>
    public const string ImplementationVersionName = "CSEG_DICOM_010";
}
