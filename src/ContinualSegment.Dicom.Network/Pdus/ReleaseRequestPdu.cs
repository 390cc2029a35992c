using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>A-RELEASE-RQ PDU (PS3.8 §9.3.6).</summary>
public sealed record ReleaseRequestPdu : Pdu
{
    /// <inheritdoc />
    public override PduType Type => PduType.ReleaseRequest;
}
