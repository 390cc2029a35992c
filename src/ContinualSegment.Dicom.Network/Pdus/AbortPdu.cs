using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>A-ABORT PDU (PS3.8 §9.3.8).</summary>
public sealed record AbortPdu(AbortSource Source, AbortReason Reason) : Pdu
{
    /// <inheritdoc />
    public override PduType Type => PduType.Abort;
}
