using ContinualSegment.Dicom.Network.Pdus;

namespace ContinualSegment.Dicom.Network.Pdus;

/// <summary>SOP class extended negotiation sub-item (56H): service-class specific application information.</summary>
public sealed record SopClassExtendedNegotiation(string SopClassUid, ReadOnlyMemory<byte> ServiceClassApplicationInformation);
