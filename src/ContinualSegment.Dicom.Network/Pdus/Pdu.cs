using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>A protocol data unit of the DICOM upper layer. Encode and decode with <see cref="PduCodec"/>.</summary>
public abstract record Pdu
{
    /// <summary>The PDU type byte.</summary>
    public abstract PduType Type { get; }
}
