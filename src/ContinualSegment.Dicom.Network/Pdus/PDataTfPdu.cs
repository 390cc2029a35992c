using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>P-DATA-TF PDU (PS3.8 §9.3.5): one or more presentation data values.</summary>
public sealed record PDataTfPdu(IReadOnlyList<PresentationDataValue> Values) : Pdu
{
    /// <inheritdoc />
    public override PduType Type => PduType.PData;
}
