using ContinualSegment.Dicom.Network.Associations;

namespace ContinualSegment.Dicom.Network.Associations;

/// <summary>What went over one association's transport connection, PDU headers included.</summary>
/// <param name="PdusSent">PDUs written.</param>
/// <param name="BytesSent">Bytes written.</param>
/// <param name="PdusReceived">PDUs read.</param>
/// <param name="BytesReceived">Bytes read.</param>
public readonly record struct AssociationTraffic(long PdusSent, long BytesSent, long PdusReceived, long BytesReceived);
