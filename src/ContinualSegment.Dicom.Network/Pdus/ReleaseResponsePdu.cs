using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>A-RELEASE-RP PDU (PS3.8 §9.3.7).</summary>
public sealed record ReleaseResponsePdu : Pdu
{
    /// <inheritdoc />
    public override PduType Type => PduType.ReleaseResponse;
}
