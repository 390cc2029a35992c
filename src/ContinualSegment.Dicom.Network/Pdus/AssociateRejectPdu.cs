using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>A-ASSOCIATE-RJ PDU (PS3.8 §9.3.4). <see cref="Reason"/> values are in <see cref="AssociateRejectReasons"/>.</summary>
public sealed record AssociateRejectPdu(AssociateRejectResult Result, AssociateRejectSource Source, byte Reason) : Pdu
{
    /// <inheritdoc />
    public override PduType Type => PduType.AssociateReject;

    /// <summary>What this reject means, in words (<see cref="AssociateRejectReasons.Describe"/>).</summary>
    public string Describe() => AssociateRejectReasons.Describe(Result, Source, Reason);
}
